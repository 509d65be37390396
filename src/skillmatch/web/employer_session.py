"""The employer pages' session: signing in with an API key, the session cookie, CSRF.

An employer (or an admin) signs in with an API key, checked by the engine's key service
(:meth:`~skillmatch.services.keys.KeyService.authenticate`). The session is a cookie
signed with the server secret (itsdangerous' timed serializer, its own salt): it holds
the key's public id and a CSRF token, never the key, and it lasts :data:`MAX_AGE`
seconds. Every request checks the key again by its id
(:meth:`~skillmatch.services.keys.KeyService.live`), so revoking a key signs its sessions
out at once, in every worker. The cookie is HttpOnly, SameSite=Lax, Secure when the
request came over https, and scoped to ``/employer`` (no other page or API route sees
it). A visitor who is not signed in gets a session too (a CSRF token only), so the
sign-in form is protected like every other.

Every form carries the session's token (:data:`CSRF_FIELD`); a POST without it, or with
another, is refused (403, in plain language). The pages' routes raise :class:`SignIn`
or :class:`Forbidden`; :class:`PageRoute` turns them, and the engine's errors, into
pages (the API's handlers answer JSON).
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from ..errors import ConflictError, InputError, NotFoundError, SkillmatchError
from ..services.keys import Principal
from .templating import problem_page

log = logging.getLogger(__name__)

COOKIE = "skillmatch_employer"
PATH = "/employer"
SIGN_IN = PATH + "/sign-in"
SALT = "skillmatch.web.employer-session"
MAX_AGE = 8 * 3600  # seconds a session lasts from signing in
CSRF_FIELD = "csrf_token"
ROLES = ("employer", "admin")
MAX_FIELDS = 200  # a page's form has a few dozen fields at most


@dataclass(frozen=True)
class Session:
    """What the cookie holds: the CSRF token, the signed-in key's id ('' for a visitor)
    and when it signed in."""

    csrf: str
    key_id: str = ""
    since: float = 0.0

    @classmethod
    def new(cls) -> Session:
        return cls(csrf=secrets.token_urlsafe(32))


@dataclass(frozen=True)
class Visit:
    """A request to the employer pages: its session (made when it had none, then
    ``fresh``) and the principal of its live key (None: not signed in)."""

    session: Session
    principal: Principal | None
    fresh: bool = False

    @property
    def csrf(self) -> str:
        return self.session.csrf


class SignIn(Exception):
    """The page needs a signed-in employer (or admin): to the sign-in page, and back."""

    def __init__(self, back: str = PATH, reason: str = "") -> None:
        super().__init__(back)
        self.back = back
        self.reason = reason


class Forbidden(Exception):
    """A form without the session's CSRF token (or with another): 403."""


class BadForm(Exception):
    """A form that could not be read (a broken or too large upload, too many fields)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# ----------------------------------------------------------------- the cookie
def _serializer(request: Request) -> Any:
    from itsdangerous import URLSafeTimedSerializer

    secret = request.app.state.engine.keys.secret
    return URLSafeTimedSerializer(secret, salt=SALT)


def read(request: Request) -> Session | None:
    """The request's session, if its cookie is there, signed by this server and not
    older than :data:`MAX_AGE`."""
    from itsdangerous import BadSignature

    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 1000:
        return None
    try:
        data = _serializer(request).loads(raw, max_age=MAX_AGE)
    except BadSignature:  # tampered, another server's, or expired (a subclass)
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), str):
        return None
    return Session(csrf=data["c"], key_id=str(data.get("k") or ""),
                   since=float(data.get("t") or 0.0))


def save(response: Response, request: Request, session: Session) -> Response:
    """``response`` setting the cookie of ``session``."""
    token = _serializer(request).dumps({"c": session.csrf, "k": session.key_id,
                                        "t": session.since})
    response.set_cookie(COOKIE, token, max_age=MAX_AGE, path=PATH, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    return response


def forget(response: Response, request: Request) -> Response:
    """``response`` removing the cookie (signing out)."""
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")
    return response


def signed_in(principal: Principal) -> Session:
    """A new session for ``principal``: a new CSRF token (the visitor's is not carried
    over), its key's id, now."""
    return replace(Session.new(), key_id=principal.key_id, since=time.time())


# ----------------------------------------------------------------- dependencies
def visit(request: Request) -> Visit:
    """The session and, when its key is still live and may use these pages, the
    principal (a revoked key, or one whose role changed, is signed out)."""
    session = read(request)
    if session is None:
        return Visit(Session.new(), None, fresh=True)
    principal = None
    if session.key_id:
        found = request.app.state.engine.keys.live(session.key_id)
        principal = found if found is not None and found.role in ROLES else None
    return Visit(session, principal)


def signed(request: Request, current: Annotated[Visit, Depends(visit)]) -> Principal:
    """The signed-in principal; else :class:`SignIn` (back to this page afterwards)."""
    if current.principal is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        expired = bool(current.session.key_id)
        raise SignIn(back, "Your session ended (the key was revoked or the session "
                     "expired): sign in again." if expired else "")
    return current.principal


async def form(request: Request) -> FormData:
    """The request's form: URL-encoded (read here, no parser needed) or multipart (an
    upload: Starlette's parser, python-multipart)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        try:
            return await request.form(max_files=1, max_fields=MAX_FIELDS)
        except AssertionError:  # python-multipart is not installed
            log.error("file uploads need the python-multipart package")
            raise BadForm("This server cannot take uploaded files (a package it needs, "
                          "python-multipart, is not installed).") from None
        except HTTPException as exc:  # a broken form, or the app's body limit
            if exc.status_code == 413:
                raise BadForm("The file is larger than this server takes from a page.",
                              413) from None
            raise BadForm("The upload could not be read (it was cut off, or held more "
                          "than one file).") from None
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        pairs: list[tuple[str, str | UploadFile]] = list(parse_qsl(
            body, keep_blank_values=True, max_num_fields=MAX_FIELDS))
    except ValueError:  # more fields than any page's form has
        raise BadForm("The form held more fields than any of these pages sends.") from None
    return FormData(pairs)


def checked(current: Annotated[Visit, Depends(visit)],
            fields: Annotated[FormData, Depends(form)]) -> FormData:
    """The form, once its CSRF token is the session's; else :class:`Forbidden`."""
    given = fields.get(CSRF_FIELD)
    if current.fresh or not isinstance(given, str) or not hmac.compare_digest(
            given.encode(), current.csrf.encode()):
        raise Forbidden()
    return fields


Current = Annotated[Visit, Depends(visit)]
Signed = Annotated[Principal, Depends(signed)]
Form = Annotated[FormData, Depends(checked)]


def text(fields: FormData, name: str) -> str:
    """A form field as text ('' when absent or a file)."""
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def safe_next(value: str) -> str:
    """Where to go after signing in: a path of the employer pages, else their start."""
    if value.startswith(PATH) and not value.startswith("//") and "\\" not in value \
            and "\n" not in value and "\r" not in value:
        return value
    return PATH


# ----------------------------------------------------------------- errors as pages
class PageRoute(APIRoute):
    """A route of the employer pages: :class:`SignIn` redirects to the sign-in page,
    :class:`Forbidden` is a 403 page, and the engine's errors are pages in plain
    language (404 for a record that is not the employer's, as for one that does not
    exist); every answer is kept out of shared caches (a school's shared laptop)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except SignIn as exc:
                target = f"{SIGN_IN}?next={quote(exc.back, safe='/')}"
                if exc.reason:
                    target += "&expired=1"
                response = RedirectResponse(target, status_code=303)
            except Forbidden:
                response = problem_page(
                    request, "This form could not be accepted: it was sent without the "
                    "security code of your session, or with an old one (the page may have "
                    "been open a long time, or you signed in again elsewhere).",
                    hint="Go back, reload the page, and send the form again.",
                    status_code=403, title="Please reload the page and try again")
            except BadForm as exc:
                response = problem_page(request, str(exc), status_code=exc.status,
                                        hint="Go back and try again.")
            except NotFoundError:
                response = problem_page(
                    request, "There is nothing here among your records: it may have been "
                    "deleted, or it belongs to another employer.",
                    hint="Open your list of needs or postings to find it.",
                    status_code=404, title="Not found")
            except (InputError, ConflictError, RequestValidationError) as exc:
                response = problem_page(request, _plain(exc), status_code=400,
                                        hint="Go back, change it, and try again.")
            except SkillmatchError as exc:
                log.warning("%s %s: %s", request.method, request.url.path, exc)
                response = problem_page(
                    request, "The server could not do this just now.",
                    hint="Try again in a minute; if it keeps failing, tell the person "
                    "who runs this site.", status_code=503, title="Not available now")
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return page_handler


def _plain(exc: Exception) -> str:
    from ..api.problems import scrub

    if isinstance(exc, InputError):
        return scrub(exc.reason)
    if isinstance(exc, RequestValidationError):
        return "Some of what was sent could not be read."
    return scrub(str(exc))
