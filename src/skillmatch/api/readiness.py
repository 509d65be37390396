"""Readiness: the engine loads in the background when the server starts, so liveness
answers at once while ``/v1/ready`` says 503 until the linker is fitted, a read snapshot
is taken (demand model and catalogue) and the autocomplete indexes are built. Then, in
the same background thread while requests are answered, it keeps the skill profiles of
catalogued credentials that alignments read (``SkillMatch.keep_profiles``)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from ..app import SkillMatch
from ..errors import SkillmatchError
from .problems import scrub

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0  # a failed load is tried again on a readiness check this much later


class Readiness:
    """Loads the engine once, in a thread; tells whether it is loaded and why not."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._engine: SkillMatch | None = None
        self.loaded: dict[str, Any] | None = None
        self.error: str | None = None
        self.seconds = 0.0
        self._failed_at = 0.0
        self._stopping = threading.Event()

    def start(self, engine: SkillMatch) -> None:
        with self._lock:
            self._engine = engine
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self.error = None
                self._thread = threading.Thread(target=self._load, name="skillmatch-load",
                                                daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the load to end (tests); whether the engine is ready."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.loaded is not None

    def _load(self) -> None:
        engine = self._engine
        assert engine is not None
        start = time.perf_counter()
        try:
            loaded = warm(engine)
        except SkillmatchError as exc:
            self._fail(scrub(str(exc)))
        except Exception as exc:  # noqa: BLE001 - shown as not ready, logged in full
            log.exception("loading the engine failed")
            self._fail(f"loading failed ({type(exc).__name__}); the server's log has the "
                       "details")
        else:
            self.seconds = round(time.perf_counter() - start, 3)
            self.loaded = loaded
            log.info("engine ready in %.1f s: %s", self.seconds, loaded)
            self._keep_profiles(engine)

    def _keep_profiles(self, engine: SkillMatch) -> None:
        """After the engine is ready (requests are answered meanwhile): keep the skill
        profiles alignments read, for the credentials that have none kept."""
        start = time.perf_counter()
        try:
            done = engine.keep_profiles(stop=self._stopping.is_set)
        except Exception:  # noqa: BLE001 - alignments compute what is not kept
            log.exception("keeping the credentials' skill profiles failed")
            return
        if done:
            log.info("kept the skill profiles of %d credentials in %.1f s", done,
                     time.perf_counter() - start)

    def _fail(self, message: str) -> None:
        self.error = message
        self._failed_at = time.monotonic()
        log.warning("engine not ready: %s", message)

    def status(self) -> tuple[bool, str]:
        """(ready, why not); after a failed load, tries again now and then (a taxonomy
        may have been imported since)."""
        if self.loaded is not None:
            return True, ""
        if self.error is not None:
            message = self.error
            if time.monotonic() - self._failed_at >= RETRY_AFTER_S and self._engine:
                self.start(self._engine)
            return False, message
        return False, "the engine is loading"

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()  # a profile fill stops after its batch
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(timeout)


def warm(engine: SkillMatch) -> dict[str, Any]:
    """Load what every request reads, through the facade; what was loaded."""
    linker = engine.linker  # fitted: taxonomies, indexes, ranker
    catalog = engine.catalog_view  # a read snapshot: demand model and catalogue
    _ = engine.demand_model
    autocomplete = engine.lookup.warm()
    return {"taxonomies": sorted(dict(linker.taxonomies_)), "credentials": len(catalog.rows),
            "autocomplete": autocomplete}
