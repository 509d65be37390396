"""What every flow reads besides the linker, through the current read snapshot.

The demand model (fitted on every stored posting and need), the catalogue view (the
credentials' rows, vectors and skills), the posting centroids (per occupation code
used by postings) and the occupation codes (crosswalks) come from one
:class:`~.snapshot.Snapshot`, kept current by a :class:`~.snapshot.SnapshotHolder`:
a write committed by any thread or process shows in the next read, at the cost of
the records it changed. The facade runs each flow inside :meth:`State.pinned`, so
every read of one call comes from one snapshot and one answer never mixes two
generations.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..progress import ProgressFn
from .context import Context
from .snapshot import PERSIST_AFTER, Snapshot, SnapshotHolder

if TYPE_CHECKING:
    from ..demand import DemandModel
    from ..flows.catalog_view import CatalogView, Centroids
    from ..taxonomy.crosswalk import OccupationCodes


class State:
    """The read snapshot's parts, for the flows (see the module's docstring)."""

    def __init__(self, ctx: Context, load_linker: Callable[[], object] | None = None,
                 on_taxonomy_change: Callable[[], None] | None = None) -> None:
        self._ctx = ctx
        self._load_linker = load_linker  # what prepare() loads first
        self.holder = SnapshotHolder(ctx, on_taxonomy_change)
        self._pinned = threading.local()

    def current(self, progress: ProgressFn | None = None) -> Snapshot:
        """The snapshot of the workspace as committed now (the pinned one inside
        :meth:`pinned`)."""
        snap: Snapshot | None = getattr(self._pinned, "snap", None)
        return snap if snap is not None else self.holder.current(progress)

    @contextmanager
    def pinned(self, progress: ProgressFn | None = None) -> Iterator[Snapshot]:
        """Within the block, this thread reads one snapshot (nested blocks share it); a
        write made inside the block (posting a need) moves the pin to the snapshot
        that includes it, see :meth:`changed`."""
        if getattr(self._pinned, "snap", None) is not None:
            yield self._pinned.snap
            return
        self._pinned.snap = self.holder.current(progress)
        try:
            yield self._pinned.snap
        finally:
            self._pinned.snap = None

    @property
    def codes(self) -> OccupationCodes:
        """Occupation codes of any release read as the loaded O*NET-SOC 2019 codes,
        through the stored crosswalks."""
        return self.current().codes

    @property
    def demand(self) -> DemandModel:
        """Fitted on every stored posting and need (occupation codes crosswalked)."""
        return self.current().demand

    def fit_demand(self, progress: ProgressFn | None) -> DemandModel:
        """:attr:`demand`, reporting a fit to ``progress`` when one is needed."""
        return self.current(progress).demand

    @property
    def catalog(self) -> CatalogView:
        """The stored credentials: rows, text vectors and taught skills."""
        return self.current().catalog

    @property
    def centroids(self) -> Centroids:
        """Per occupation code used by postings: its most common title and the unit mean
        of its postings' vectors."""
        return self.current().centroids

    def changed(self) -> None:
        """A write committed. Readers find it through the change log by themselves;
        after a large write the demand model is brought up to date and persisted
        here, so the next process starts warm."""
        from ..storage.changes import generation

        if getattr(self._pinned, "snap", None) is not None:  # read your own write
            self._pinned.snap = self.holder.current()
        snap = self.holder._snapshot
        persisted = snap.persisted if snap is not None else self.holder.persisted_generation()
        if generation(self._ctx.conn) - persisted >= PERSIST_AFTER:
            self.holder.persist(self.holder.current())

    def prepare(self, progress: ProgressFn | None, catalog: bool = True) -> None:
        """Load what the flows read, reporting each step to ``progress`` (a first call
        on a big workspace without a persisted demand model fits it on every posting);
        without ``progress`` everything loads on first use instead."""
        if progress is None:
            return
        if self._load_linker is not None:
            progress("load skill linker", 0, 1)
            self._load_linker()
            progress("load skill linker", 1, 1)
        snap = self.current(progress)
        if catalog:
            progress("load catalogue", 0, 1)
            _ = snap.catalog
            progress("load catalogue", 1, 1)
