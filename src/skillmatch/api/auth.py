"""Who a request acts as, what it may do, and how often.

:func:`caller` runs before every resource route (the app adds it to each router but
operations'): it reads the key (``Authorization: Bearer <key>`` or ``X-API-Key``),
counts the request against the rate limit of that key (without a key: of the client's
address) in the workspace database, so that the limit holds across workers, and
answers 429 with ``Retry-After`` past it; then 401 for a key that is malformed, unknown
or revoked, or for no key when reads are not open (the setting ``api_open_reads``).
Routes that write take :func:`require` of the roles allowed (401 without a key, 403 for
another role). Nothing of the key is ever echoed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..services.keys import Principal
from .deps import AppSettings, Keys

BEARER = {"WWW-Authenticate": 'Bearer realm="skillmatch"'}
MAX_KEY = 200  # characters: longer is no key of ours (and not worth hashing)


# FastAPI's security schemes read the headers (and show in the OpenAPI document and
# /docs' "Authorize"); they never answer on their own (auto_error=False)
bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer "
                    "smk_...` (`skillmatch keys create`).")
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False,
                              description="The same API key, in its own header.")


def caller(request: Request, keys: Keys, settings: AppSettings,
           credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
           header_key: Annotated[str | None, Depends(api_key_header)]
           ) -> Principal | None:
    """The principal of the request's key (None: no key, reads being open)."""
    key = (credentials.credentials if credentials else header_key or "").strip() or None
    principal = keys.authenticate(key) if key and len(key) <= MAX_KEY else None
    client = request.client.host if request.client else "unknown"
    rate = keys.hit(f"key:{principal.key_id}" if principal else f"ip:{client}",
                    settings.api_rate_limit, settings.api_rate_window)
    if not rate.allowed:
        who = "this key" if principal else "this client address"
        raise HTTPException(429, f"more than {rate.limit} requests by {who} in "
                            f"{settings.api_rate_window} s; retry in {rate.retry_after} s",
                            headers={"Retry-After": str(rate.retry_after)})
    if key and principal is None:
        raise HTTPException(401, "the API key is not valid (unknown, revoked or "
                            "malformed)", headers=BEARER)
    if principal is None and not settings.api_open_reads:
        raise HTTPException(401, "this server needs an API key for every request "
                            "(Authorization: Bearer <key>, or X-API-Key)", headers=BEARER)
    return principal


Caller = Annotated[Principal | None, Depends(caller)]


def require(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency: the principal, when its role is one of ``roles`` (else 401 without
    a key, 403 with a key of another role)."""
    async def dependency(principal: Caller) -> Principal:  # no I/O: no thread hop
        if principal is None:
            raise HTTPException(401, f"this needs an API key ({' or '.join(roles)})",
                                headers=BEARER)
        if principal.role not in roles:
            article = "an" if principal.role[0] in "aeiou" else "a"
            raise HTTPException(403, f"{article} {principal.role} key cannot do this (it "
                                f"needs {' or '.join(roles)})")
        return principal

    return dependency


EmployerKey = Annotated[Principal, Depends(require("employer", "admin"))]
AdminKey = Annotated[Principal, Depends(require("admin"))]
