"""``/employer``: employers sign in with a key, post needs and postings and see what
they were understood as, correct a wrong link, and list, edit, delete and upload their
own records.

Every page but the sign-in page needs a signed-in employer (or admin) key
(:mod:`.employer_session`: the session cookie, CSRF tokens, errors as pages). The
routes are thin: they read the form, call the same services as the API's routes do
(``engine.writes`` for posting, replacing and deleting, ``engine.corrections``,
``engine.lookup`` for pages of one's own records, ``engine.import_jobs`` for uploads),
and render.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile

from ..api.schemas.corrections import CorrectionIn
from ..api.schemas.writes import NeedIn, PostingIn
from ..catalog.models import cost_text, hours_text
from ..errors import InputError, NotFoundError, SkillmatchError
from ..services.keys import Principal
from ..storage.records_store import Access
from . import employer_session as sessions
from .employer_session import (
    CSRF_FIELD,
    PATH,
    SIGN_IN,
    Current,
    Form,
    PageRoute,
    Signed,
    text,
)
from .templating import page, problem_page

router = APIRouter(include_in_schema=False, route_class=PageRoute)

KINDS = {"needs": "need", "postings": "posting"}
PAGE_SIZE = 20
CODE = re.compile(r"^\d{2}-\d{4}(\.\d{2})?$")  # an O*NET-SOC or SOC code, kept as typed
SPLIT = re.compile(r"[,;\n]+")  # skills typed in one field: commas, semicolons or lines
FILENAME = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
FORMATS = (("auto", "Find out from the file (recommended)"),
           ("jobposting", "schema.org JobPosting or JDX (JSON-LD, JSON Lines)"),
           ("records", "skillmatch's own CSV or JSON Lines"))
# names of the form's fields, for messages
LABELS = {"role": "Role", "title": "Job title", "required_skills": "Required skills",
          "preferred_skills": "Preferred skills", "skills": "Skills",
          "openings": "Openings", "region": "Region", "occupation_code": "Occupation",
          "date": "Date", "date_posted": "Date posted", "description": "Description",
          "employer": "Employer", "id": "Id"}


# ----------------------------------------------------------------- helpers
def _engine(request: Request) -> Any:
    return request.app.state.engine


def _render(request: Request, template: str, title: str, principal: Principal | None,
            csrf: str, status_code: int = 200, **context: Any) -> Response:
    response: Response = page(request, f"employer/{template}", title,
                              status_code=status_code, principal=principal, csrf=csrf,
                              csrf_field=CSRF_FIELD, cost_text=cost_text,
                              hours_text=hours_text, **context)
    return response


def _see_other(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _href(plural: str, record_id: str) -> str:
    """A record's page (its id quoted: ids are the importers', any characters but
    spaces, '/', '?' and '#')."""
    return f"{PATH}/{plural}/{quote(record_id, safe=':')}"


def _kind(plural: str) -> str:
    if plural not in KINDS:
        raise NotFoundError(f"no page {plural!r}")
    return KINDS[plural]


def _phrases(value: str) -> list[str]:
    """Skills typed in one field, one per comma, semicolon or line."""
    return [p.strip() for p in SPLIT.split(value) if p.strip()]


def _bounded(value: str, default: int) -> int:
    return int(value) if value.isdigit() and len(value) < 12 else default


# ----------------------------------------------------------------- sign in and out
@router.get(SIGN_IN)
def sign_in_page(request: Request, current: Current, next: str = PATH,
                 expired: str = "", signed_out: str = "") -> Response:
    notice = ("Your session ended (the key was revoked or the session expired): sign in "
              "again." if expired else "You are signed out." if signed_out else "")
    response = _render(request, "sign_in.html", "Sign in", current.principal,
                       current.csrf, next=sessions.safe_next(next), notice=notice,
                       error="")
    if current.fresh:
        sessions.save(response, request, current.session)
    return response


@router.post(SIGN_IN)
def sign_in(request: Request, current: Current, fields: Form) -> Response:
    engine = _engine(request)
    settings = engine.settings
    target = sessions.safe_next(text(fields, "next"))
    client = request.client.host if request.client else "unknown"
    rate = engine.keys.hit(f"sign-in:{client}", settings.api_rate_limit,
                           settings.api_rate_window)
    if not rate.allowed:
        return problem_page(request, "Too many sign-in attempts from this address.",
                            hint=f"Wait {rate.retry_after} seconds, then try again.",
                            status_code=429, title="Please wait a moment")
    key = text(fields, "key")
    principal = engine.keys.authenticate(key) if key and len(key) <= 200 else None
    error, status = "", 200
    if principal is None:
        error, status = ("That key was not accepted: it is unknown, revoked, or not "
                         "complete. Paste the whole key (it starts with smk_)."), 400
    elif principal.role not in sessions.ROLES:
        error, status = (f"This is a {principal.role} key. The employer pages need an "
                         "employer key (or an administrator's)."), 403
    if error or principal is None:
        return _render(request, "sign_in.html", "Sign in", None, current.csrf,
                       status_code=status, next=target, notice="", error=error)
    response = _see_other(target)
    return sessions.save(response, request, sessions.signed_in(principal))


@router.post(PATH + "/sign-out")
def sign_out(request: Request, fields: Form) -> Response:
    return sessions.forget(_see_other(f"{SIGN_IN}?signed_out=1"), request)


# ----------------------------------------------------------------- home
@router.get(PATH)
def home(request: Request, current: Current) -> Response:
    """Signed in: an overview of one's needs, postings and uploads; else the sign-in
    page itself (the navigation's "Employers" leads here)."""
    principal = current.principal
    if principal is None:
        return sign_in_page(request, current, expired="1" if current.session.key_id
                            else "")
    engine = _engine(request)
    scope = engine.writes.scope(principal)
    counts = {kind: engine.lookup.records_page(kind, limit=1, scope=scope)["total"]
              for kind in ("need", "posting")}
    owner = None if principal.is_admin else principal.employer
    jobs, _ = engine.import_jobs.store.page(owner, 0, 3)
    return _render(request, "home.html", "Employers", principal, current.csrf,
                   counts=counts, jobs=jobs)


# ----------------------------------------------------------------- forms
def _form_values(kind: str, row: dict[str, Any] | None = None,
                 fields: FormData | None = None) -> dict[str, str]:
    """The form's fields as text: from a stored record (editing), or as sent."""
    names = (("role", "required_skills", "preferred_skills", "openings", "region",
              "occupation", "date", "employer", "private") if kind == "need" else
             ("title", "description", "skills", "openings", "region", "occupation",
              "date_posted", "employer", "private"))
    if fields is not None:
        return {n: text(fields, n) for n in names}
    if row is None:
        return {"openings": "1"}
    out: dict[str, str] = {}
    for name in names:
        value = row.get({"occupation": "occupation_code",
                         "skills": "declared_skills"}.get(name, name))
        if isinstance(value, list):
            out[name] = ", ".join(str(v) for v in value)
        elif name == "private":
            out[name] = "on" if value else ""
        else:
            out[name] = "" if value is None else str(value)
    return out


def _occupation(engine: Any, typed: str, stored: str = "") -> tuple[str, str]:
    """(code, error) of the occupation field: a code (or the one stored) as it is, else
    the occupation its title resolves to."""
    if not typed or typed == stored or CODE.match(typed):
        return typed, ""
    try:
        return engine.occupation(typed).code, ""
    except SkillmatchError:
        return "", (f"No occupation was found for {typed!r}: pick one from the suggestions, "
                    "type its O*NET-SOC code (such as 31-1131.00), or leave it empty.")


def _body(engine: Any, kind: str, values: dict[str, str], principal: Principal,
          stored: str = "") -> tuple[BaseModel | None, dict[str, str]]:
    """The API's input model of ``kind`` from the form's ``values``, or the errors by
    field, in plain words."""
    errors: dict[str, str] = {}
    openings = values.get("openings") or "1"
    if not openings.isdigit() or int(openings) < 1:
        errors["openings"] = "Openings: a whole number, 1 or more."
    code, problem = _occupation(engine, values.get("occupation", ""), stored)
    if problem:
        errors["occupation"] = problem
    body: dict[str, Any] = {"openings": int(openings) if not errors.get("openings") else 1,
                            "region": values.get("region", ""), "occupation_code": code,
                            "private": values.get("private") == "on"}
    if principal.is_admin:
        body["employer"] = values.get("employer") or None
    if kind == "need":
        body.update(role=values.get("role", ""),
                    required_skills=_phrases(values.get("required_skills", "")),
                    preferred_skills=_phrases(values.get("preferred_skills", "")),
                    date=values.get("date") or None)
        model: type[BaseModel] = NeedIn
        if not body["required_skills"] and not body["preferred_skills"]:
            errors["required_skills"] = ("Name at least one skill, required or preferred "
                                         "(separate several with commas).")
    else:
        body.update(title=values.get("title", ""),
                    description=values.get("description", ""),
                    skills=_phrases(values.get("skills", "")),
                    date_posted=values.get("date_posted") or None)
        model = PostingIn
        if not body["title"]:
            errors["title"] = "Give the posting a job title."
    try:
        item = model.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err.get("loc", ("body",))[0])
            field = "occupation" if field == "occupation_code" else field
            message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            errors.setdefault(field, f"{LABELS.get(field, field.title())}: {message}.")
        return None, errors
    return (None, errors) if errors else (item, errors)


def _error_field(exc: SkillmatchError) -> tuple[str, str]:
    """(form field, message) of an engine's error on a write."""
    from ..api.problems import scrub

    if isinstance(exc, InputError):
        field = (exc.field or "").split(".")[-1] or "form"
        field = "occupation" if field == "occupation_code" else field
        return field, scrub(exc.reason)
    return "form", scrub(str(exc))


def _form_page(request: Request, kind: str, principal: Principal, csrf: str,
               values: dict[str, str], errors: dict[str, str] | None = None,
               record_id: str = "", status_code: int = 200) -> Response:
    noun = "need" if kind == "need" else "posting"
    title = (f"Edit {noun} {record_id}" if record_id else
             "Post a need" if kind == "need" else "Add a posting")
    action = (f"{PATH}/{noun}s/{record_id}/edit" if record_id else f"{PATH}/{noun}s")
    return _render(request, f"{noun}_form.html", title, principal, csrf,
                   status_code=status_code, values=values, errors=errors or {},
                   action=action, record_id=record_id, kind=kind)


# ----------------------------------------------------------------- uploads
def _upload_limit(request: Request) -> int:
    """The largest file the upload form takes: the upload limit, or the app's limit on
    a request's body to this page when that is lower (the app may give uploads to the
    pages a limit of their own, as it does to /v1/imports)."""
    from ..api.limits import BodyLimitMiddleware

    settings = _engine(request).settings
    most = int(settings.api_max_upload_bytes)
    for middleware in request.app.user_middleware:
        if middleware.cls is BodyLimitMiddleware:
            uploads = middleware.kwargs.get("uploads") or {}
            body = next((n for prefix, n in uploads.items()
                         if (PATH + "/imports").startswith(prefix)),
                        middleware.kwargs.get("max_bytes", most))
            return min(most, int(body))
    return most


def _mappings() -> list[str]:
    from ..api.routers.imports import MAPPINGS

    return sorted(p.stem for p in MAPPINGS.glob("*.toml"))


def _jobs_page(request: Request, principal: Principal, csrf: str, *, after: int = 0,
               error: str = "", status_code: int = 200) -> Response:
    owner = None if principal.is_admin else principal.employer
    rows, total = _engine(request).import_jobs.store.page(owner, after, PAGE_SIZE)
    return _render(request, "imports.html", "Upload postings", principal, csrf,
                   status_code=status_code, jobs=rows, total=total, after=after,
                   page_size=PAGE_SIZE, error=error, limit=_upload_limit(request),
                   formats=FORMATS, mappings=_mappings())


@router.get(PATH + "/imports")
def imports(request: Request, principal: Signed, current: Current,
            after: str = "") -> Response:
    return _jobs_page(request, principal, current.csrf, after=_bounded(after, 0))


@router.post(PATH + "/imports")
async def upload(request: Request, principal: Signed, current: Current,
                 fields: Form) -> Response:
    """A file of postings imported by the import service, as ``POST /v1/imports`` does
    with this employer's access; then the job's page."""
    engine = _engine(request)
    upload = fields.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(
            _jobs_page, request, principal, current.csrf, status_code=422,
            error="Choose a file to upload (CSV, JSON-LD or JSON Lines).")
    name = Path(upload.filename.replace("\\", "/")).name
    if not FILENAME.match(name) or name in (".", ".."):
        name = "upload" + "".join(Path(name).suffixes[-2:])[:20]
    fmt = text(fields, "format") or "auto"
    mapping = text(fields, "mapping") or None
    if fmt not in dict(FORMATS) or (mapping is not None and mapping not in _mappings()):
        return await run_in_threadpool(_jobs_page, request, principal, current.csrf,
                                       status_code=422, error="Choose a format and a "
                                       "column mapping from the lists.")
    from ..api.routers.imports import _mapping_file

    employer = "" if principal.is_admin else principal.employer
    params = {"format": "spreadsheet" if mapping else fmt, "kind": "postings",
              "atomic": text(fields, "atomic") == "on",
              "dry_run": text(fields, "dry_run") == "on", "map": [],
              "mapping_file": _mapping_file(mapping), "mapping": mapping}
    limit = _upload_limit(request)
    jobs = engine.import_jobs

    def store() -> int:
        folder = jobs.folder()
        with open(folder / name, "wb") as out:
            upload.file.seek(0)
            shutil.copyfileobj(upload.file, out)
            size = out.tell()
        if size == 0 or size > limit:
            shutil.rmtree(folder, ignore_errors=True)
            return -size if size else 0
        job = jobs.start(folder, name, size, owner=employer, key_id=principal.key_id,
                         params=params, access=Access(owner=employer) if employer else None,
                         wait=False)
        return job["id"]  # type: ignore[no-any-return]

    job_id = await run_in_threadpool(store)
    await upload.close()
    if isinstance(job_id, int):
        error = ("The file is empty." if job_id == 0 else
                 f"The file is larger than this page takes ({limit:,} bytes).")
        return await run_in_threadpool(_jobs_page, request, principal, current.csrf,
                                       status_code=422, error=error)
    return _see_other(f"{PATH}/imports/{job_id}")


@router.get(PATH + "/imports/{job_id}")
def import_job(request: Request, job_id: str, principal: Signed,
               current: Current) -> Response:
    """An upload's job: its progress (the page reloads itself every 2 s until it is
    done), then what became of its records."""
    if len(job_id) > 64:
        raise NotFoundError("no import job")
    job = _engine(request).import_jobs.store.get(job_id)
    if not principal.is_admin and job["owner"] != principal.employer:
        raise NotFoundError(f"no import job {job_id!r}")  # another's: as if absent
    running = job["status"] in ("queued", "running")
    return _render(request, "import_job.html", f"Upload of {job['filename']}", principal,
                   current.csrf, job=job, running=running)


# ----------------------------------------------------------------- lists
@router.get(PATH + "/{plural}")
def records(request: Request, plural: str, principal: Signed, current: Current,
            after: str = "", deleted: str = "") -> Response:
    kind = _kind(plural)
    engine = _engine(request)
    found = engine.lookup.records_page(kind, after=_bounded(after, 0), limit=PAGE_SIZE,
                                       scope=engine.writes.scope(principal))
    title = "Your needs" if kind == "need" else "Your postings"
    return _render(request, "list.html", title, principal, current.csrf, kind=kind,
                   plural=plural, found=found, deleted=deleted[:300],
                   first=not _bounded(after, 0))


@router.get(PATH + "/{plural}/new")
def new_record(request: Request, plural: str, principal: Signed,
               current: Current) -> Response:
    kind = _kind(plural)
    return _form_page(request, kind, principal, current.csrf, _form_values(kind))


@router.post(PATH + "/{plural}")
def create_record(request: Request, plural: str, principal: Signed, current: Current,
                  fields: Form) -> Response:
    """Post a need or a posting through the API's write path; then its page, which
    shows what it was understood as."""
    kind = _kind(plural)
    engine = _engine(request)
    values = _form_values(kind, fields=fields)
    item, errors = _body(engine, kind, values, principal)
    if item is not None:
        [result] = engine.writes.create(kind, [item.model_dump(mode="json")], principal,
                                        bulk=False)
        if result.error is None:
            return _see_other(_href(plural, str(result.id)) + "?posted=1")
        field, message = _error_field(result.error)
        errors[field] = message
    return _form_page(request, kind, principal, current.csrf, values, errors,
                      status_code=422)


# ----------------------------------------------------------------- one record
def _corrections_of(engine: Any, principal: Principal, kind: str, record_id: str
                    ) -> list[dict[str, Any]]:
    """The principal's corrections made on this record (its first pages of them)."""
    out: list[dict[str, Any]] = []
    after = 0
    for _ in range(5):
        found = engine.corrections.list(principal, after=after, limit=100)
        out += [c for c in found["items"]
                if c["record"] == {"kind": kind, "id": record_id}]
        if found["next_after"] is None:
            break
        after = found["next_after"]
    return out


def _occupation_title(engine: Any, code: str) -> str:
    if not code:
        return ""
    try:
        found = engine.occupation(code)
    except SkillmatchError:
        return ""
    label = str(found.label)
    return label if found.code == code and label != code else ""


def _record_page(request: Request, kind: str, record_id: str, principal: Principal,
                 csrf: str, status_code: int = 200, **extra: Any) -> Response:
    engine = _engine(request)
    answer = engine.writes.understood(kind, record_id, principal)
    row = answer[kind]
    corrections = _corrections_of(engine, principal, kind, record_id)
    corrected = {(c["phrase"].casefold(), (c.get("with") or {}).get("id")): c["status"]
                 for c in corrections if c["action"] == "replace"}
    heading = (row.get("role") or "A need") if kind == "need" else row["title"]
    return _render(request, "record.html", heading, principal, csrf,
                   status_code=status_code, kind=kind, plural=f"{kind}s", row=row,
                   record_id=record_id, answer=answer, corrections=corrections,
                   corrected=corrected,
                   occupation=_occupation_title(engine, row.get("occupation_code", "")),
                   **extra)


@router.get(PATH + "/{plural}/{record_id}")
def record(request: Request, plural: str, record_id: str, principal: Signed,
           current: Current, posted: str = "", updated: str = "",
           corrected: str = "") -> Response:
    kind = _kind(plural)
    engine = _engine(request)
    correction = None
    if corrected.isdigit() and len(corrected) < 19:
        try:
            correction = engine.corrections.get(int(corrected), principal)
        except NotFoundError:
            correction = None
    return _record_page(request, kind, record_id, principal, current.csrf,
                        posted=bool(posted), updated=bool(updated), correction=correction)


@router.get(PATH + "/{plural}/{record_id}/edit")
def edit_record(request: Request, plural: str, record_id: str, principal: Signed,
                current: Current) -> Response:
    kind = _kind(plural)
    row = _engine(request).writes.read(kind, record_id, principal)
    return _form_page(request, kind, principal, current.csrf, _form_values(kind, row),
                      record_id=record_id)


@router.post(PATH + "/{plural}/{record_id}/edit")
def replace_record(request: Request, plural: str, record_id: str, principal: Signed,
                   current: Current, fields: Form) -> Response:
    """Replace a record (the API's PUT: every field as the form sends it)."""
    kind = _kind(plural)
    engine = _engine(request)
    row = engine.writes.read(kind, record_id, principal)
    values = _form_values(kind, fields=fields)
    item, errors = _body(engine, kind, values, principal,
                         stored=row.get("occupation_code") or "")
    if item is not None:
        try:
            engine.writes.update(kind, record_id, item.model_dump(mode="json"), principal)
        except NotFoundError:
            raise
        except SkillmatchError as exc:
            field, message = _error_field(exc)
            errors[field] = message
        else:
            return _see_other(_href(plural, record_id) + "?updated=1")
    return _form_page(request, kind, principal, current.csrf, values, errors,
                      record_id=record_id, status_code=422)


@router.get(PATH + "/{plural}/{record_id}/delete")
def confirm_delete(request: Request, plural: str, record_id: str, principal: Signed,
                   current: Current) -> Response:
    kind = _kind(plural)
    row = _engine(request).writes.read(kind, record_id, principal)
    return _render(request, "delete.html", f"Delete this {kind}?", principal, current.csrf,
                   kind=kind, plural=plural, row=row, record_id=record_id)


@router.post(PATH + "/{plural}/{record_id}/delete")
def delete_record(request: Request, plural: str, record_id: str, principal: Signed,
                  fields: Form) -> Response:
    kind = _kind(plural)
    _engine(request).writes.delete(kind, record_id, principal)
    return _see_other(f"{PATH}/{plural}?deleted={quote(record_id, safe='')}")


# ----------------------------------------------------------------- corrections
def _replacement(engine: Any, typed: str, taxonomy: str
                 ) -> tuple[tuple[str, str] | None, list[dict[str, Any]]]:
    """The skill typed in "replace with": (id, taxonomy) when it names one (its label,
    another label of it, or its id), else the suggestions to choose from."""
    found = engine.lookup.skills(typed, limit=8)["results"] if typed else []
    key = typed.casefold()
    exact = {(r["code"], r["taxonomy"]) for r in found
             if key in (r["label"].casefold(), r["matched"].casefold(), r["code"].casefold())}
    same = {e for e in exact if e[1] == taxonomy}
    chosen = same if len(same) == 1 else exact
    if len(chosen) == 1:
        return next(iter(chosen)), []
    return None, found


@router.post(PATH + "/{plural}/{record_id}/corrections")
def correct(request: Request, plural: str, record_id: str, principal: Signed,
            current: Current, fields: Form) -> Response:
    """A linked skill is wrong, or should be another: the corrections service (as
    ``POST /v1/{needs,postings}/{id}/corrections``); then the record's page."""
    kind = _kind(plural)
    engine = _engine(request)
    action = text(fields, "action")
    body: dict[str, Any] = {"skill": text(fields, "skill"), "phrase": text(fields, "phrase")
                            or None, "taxonomy": text(fields, "taxonomy") or None,
                            "action": action, "note": text(fields, "note")}
    if action == "replace":
        chosen: tuple[str, str] | None = None
        if text(fields, "with_code"):
            chosen = (text(fields, "with_code"), text(fields, "with_taxonomy"))
            options: list[dict[str, Any]] = []
        else:
            chosen, options = _replacement(engine, text(fields, "with"),
                                           text(fields, "taxonomy"))
        if chosen is None:
            return _record_page(request, kind, record_id, principal, current.csrf,
                                status_code=422, choose={
                                    "typed": text(fields, "with"), "options": options,
                                    "skill": body["skill"], "phrase": body["phrase"] or "",
                                    "taxonomy": body["taxonomy"] or "",
                                    "note": body["note"]})
        body["with"], body["with_taxonomy"] = chosen[0], chosen[1] or None
    try:
        valid = CorrectionIn.model_validate(body)
    except ValidationError as exc:
        message = str(exc.errors()[0].get("msg", "invalid")).removeprefix("Value error, ")
        return _record_page(request, kind, record_id, principal, current.csrf,
                            status_code=422, correction_error=message)
    try:
        made = engine.corrections.create(kind, record_id, valid.as_body(), principal)
    except NotFoundError:
        raise
    except SkillmatchError as exc:
        return _record_page(request, kind, record_id, principal, current.csrf,
                            status_code=422, correction_error=_error_field(exc)[1])
    return _see_other(_href(plural, record_id) + f"?corrected={made['correction']['id']}")
