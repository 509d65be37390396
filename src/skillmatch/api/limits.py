"""The request body limit (the setting ``api_max_body_bytes``), as problem details.

A body announced larger (``Content-Length``) is answered 413 before the app reads a byte;
one sent without a length (chunked) is counted as it arrives and stopped at the limit
with a 413 of the same form. (Starlette's own limit answers in plain text.)
"""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import problems


def too_large(limit: int) -> str:
    return f"the request body is larger than this server takes ({limit:,} bytes)"


class BodyLimitMiddleware:
    """``max_bytes`` for every request, except those under a path of ``uploads``
    (path prefix -> its own limit: files uploaded to be imported, streamed to disk)."""

    def __init__(self, app: ASGIApp, max_bytes: int,
                 uploads: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for prefix, n in self.uploads.items() if path.startswith(prefix)),
                     self.max_bytes)
        announced = dict(scope.get("headers") or ()).get(b"content-length")
        if announced is not None and announced.strip().isdigit() and int(announced) > limit:
            response = problems.problem(
                problems.INTERNAL, too_large(limit), Request(scope), status=413,
                title=HTTPStatus(413).phrase, type_="about:blank")
            await response(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # FastAPI passes an HTTPException on to its handler
                    raise HTTPException(413, too_large(limit))
            return message

        await self.app(scope, counted, send)
