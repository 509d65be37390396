"""API keys, the principal a request acts as, and the shared rate limit.

A key is ``smk_<id>_<secret>``: 32 random bytes from :mod:`secrets`, shown once when it
is made. The workspace keeps only its HMAC-SHA256 under the server secret (the setting
``api_secret``, else a secret generated once and kept in the workspace file
``api-secret``, readable by its owner only) and a short public ``id`` for lists and
revocation. A request's key is found by its HMAC (one indexed read, then a
constant-time compare), so a revoked key stops working at once in every worker.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError, ConflictError, InputError, NotFoundError
from ..storage.keys_store import KeyStore, RateCounters
from .context import Context

log = logging.getLogger(__name__)

ROLES = ("admin", "employer", "designer", "counselor")
SECRET_FILE = "api-secret"
KEY_PREFIX = "smk_"
_KEY = re.compile(r"^smk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")
MAX_NAME = 200


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a key's id, its role and (employer keys) its employer."""

    key_id: str
    role: str
    employer: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class RateResult:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends


class KeyService:
    """Create, list, revoke and check API keys; count requests against the rate limit."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._secret: bytes | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------- secret
    @property
    def secret(self) -> bytes:
        """The server secret: the setting, else the workspace's (made on first use)."""
        if self._secret is None:
            with self._lock:
                if self._secret is None:
                    configured = self._ctx.settings.api_secret
                    value = configured.get_secret_value() if configured is not None else ""
                    self._secret = (value.encode() if value
                                    else _workspace_secret(self._ctx.workspace.home))
        return self._secret

    def digest(self, key: str) -> str:
        return hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()

    # --------------------------------------------------------------- keys
    def create(self, role: str, *, employer: str = "", name: str = "") -> dict[str, Any]:
        """A new key of ``role`` (an employer key is bound to ``employer``): its stored
        row plus ``key``, the secret itself, which is never shown again."""
        employer, name = employer.strip(), name.strip()
        if role not in ROLES:
            raise InputError(f"unknown role {role!r} (choose one of {', '.join(ROLES)})",
                             field="role")
        if role == "employer" and not employer:
            raise InputError("an employer key needs the employer it acts for",
                             field="employer")
        if role != "employer" and employer:
            raise InputError(f"only employer keys are bound to an employer (not {role})",
                             field="employer")
        for field, value in (("employer", employer), ("name", name)):
            if len(value) > MAX_NAME:
                raise InputError(f"at most {MAX_NAME} characters", field=field)
        store = KeyStore(self._ctx.conn)
        for _ in range(5):  # an id clash (32 bits) is rare; draw again
            key_id = secrets.token_hex(4)
            key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
            try:
                row = store.add(key_id, self.digest(key), role, employer, name)
            except ConflictError:  # the id is taken
                continue
            return {**row, "key": key}
        raise ConfigurationError("could not draw a free key id")  # pragma: no cover

    def list(self, revoked: bool = True) -> list[dict[str, Any]]:
        return KeyStore(self._ctx.conn).all(revoked)

    def revoke(self, key_id: str) -> dict[str, Any]:
        return KeyStore(self._ctx.conn).revoke(key_id.strip().removeprefix(KEY_PREFIX))

    def live(self, key_id: str) -> Principal | None:
        """The principal of the key ``key_id`` while it is live (None: unknown or
        revoked): the web pages' session holds a key's id, never the key, and checks it
        again on every request, so a revoked key signs its sessions out at once."""
        try:
            row = KeyStore(self._ctx.conn).get(key_id)
        except NotFoundError:
            return None
        return None if row["revoked_at"] else Principal(row["id"], row["role"],
                                                        row["employer"])

    def authenticate(self, key: str) -> Principal | None:
        """The principal of a live key, or None for a malformed, unknown or revoked one."""
        key = key.strip()
        if not _KEY.match(key):
            return None
        digest = self.digest(key)
        row = KeyStore(self._ctx.conn).by_hash(digest)
        if row is None or not hmac.compare_digest(row["hash"], digest):
            return None
        return Principal(row["id"], row["role"], row["employer"])

    # ---------------------------------------------------------- rate limit
    def hit(self, bucket: str, limit: int, window: int, now: float | None = None
            ) -> RateResult:
        """Count one request of ``bucket`` (a key or a client address) in the current
        fixed window of ``window`` seconds, shared by every worker through the workspace
        database; allowed while it is one of the first ``limit`` (0: no limit)."""
        if limit <= 0:
            return RateResult(True, 0, 0, 0)
        now = time.time() if now is None else now
        slot = int(now // window)
        hits = RateCounters(self._ctx.conn).hit(bucket, slot)
        retry = max(1, int((slot + 1) * window - now + 0.999))
        return RateResult(hits <= limit, limit, max(0, limit - hits), retry)


def _workspace_secret(home: Path) -> bytes:
    """The secret kept in ``home``/api-secret: made once (32 random bytes, hex, mode
    0600, written whole under a temporary name then linked into place, so workers
    starting together all read the same one)."""
    path = Path(home) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
            try:
                os.link(tmp, path)  # fails if another process made it first: keep theirs
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by others (mode %o): made owner-only", path, mode)
        os.chmod(path, 0o600)
    value = path.read_text().strip()
    if len(value) < 32:
        raise ConfigurationError(f"{SECRET_FILE} in the workspace holds no usable secret; "
                                 "delete it (every key then stops working) or set "
                                 "SKILLMATCH_API_SECRET")
    return value.encode()
