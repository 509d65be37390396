"""The read caches every flow reads, dropped together when the workspace changes.

What the flows read besides the linker: the demand model (fitted on every stored posting
and need), the catalogue view (the credentials' rows, vectors and skills), the posting
centroids (per occupation code used by postings) and the occupation codes (crosswalks).
Each is built on first use and kept; :meth:`State.changed` drops them all, and every
write path calls it after it commits (taxonomy and crosswalk imports, record imports and
deletes, posting a need), so later calls see the change without a restart. Flows read
them only through :attr:`~State.demand`, :attr:`~State.catalog`,
:attr:`~State.centroids` and :attr:`~State.codes`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from ..progress import ProgressFn
from .context import Context

if TYPE_CHECKING:
    from ..demand import DemandModel
    from ..flows.catalog_view import CatalogView
    from ..taxonomy.crosswalk import OccupationCodes

Centroids = tuple[list[str], list[str], np.ndarray]


class State:
    """The demand model, catalogue view, posting centroids and occupation codes."""

    def __init__(self, ctx: Context, load_linker: Callable[[], object] | None = None) -> None:
        self._ctx = ctx
        self._load_linker = load_linker  # what prepare() loads first
        self._demand: DemandModel | None = None
        self._catalog: CatalogView | None = None
        self._centroids: Centroids | None = None
        self._codes: OccupationCodes | None = None

    @property
    def codes(self) -> OccupationCodes:
        """Occupation codes of any release read as the loaded O*NET-SOC 2019 codes,
        through the stored crosswalks."""
        if self._codes is None:
            from ..storage.crosswalk_store import CrosswalkStore
            from ..taxonomy.crosswalk import OccupationCodes

            store = CrosswalkStore(self._ctx.conn)
            self._codes = OccupationCodes(self._ctx.occupations.codes_of_kind("onet"),
                                          store.mapping("onet-2010"), store.mapping("soc-2010"))
        return self._codes

    @property
    def demand(self) -> DemandModel:
        """Fitted on every stored posting and need (occupation codes crosswalked)."""
        return self.fit_demand(None)

    def fit_demand(self, progress: ProgressFn | None) -> DemandModel:
        """:attr:`demand`, reporting the fit to ``progress`` when it has to be fitted."""
        if self._demand is None:
            from ..flows.demand_view import fit_demand

            self._demand = fit_demand(self._ctx.records, self._ctx.settings,
                                      self.codes.canonical, progress)
        return self._demand

    @property
    def catalog(self) -> CatalogView:
        """The stored credentials: rows, text vectors and taught skills."""
        if self._catalog is None:
            from ..flows.catalog_view import CatalogView

            self._catalog = CatalogView.load(
                self._ctx.records, self._ctx.workspace.index_dir("credentials"),
                self._ctx.embedder.dimension)
        return self._catalog

    @property
    def centroids(self) -> Centroids:
        """Per occupation code used by postings: its most common title and the unit mean
        of its postings' vectors."""
        if self._centroids is None:
            from ..flows.catalog_view import posting_centroids

            self._centroids = posting_centroids(
                self._ctx.records, self._ctx.workspace.index_dir("postings"),
                self._ctx.embedder.dimension)
        return self._centroids

    def changed(self) -> None:
        """Drop every cache: the workspace changed (called after each write commits)."""
        self._demand = None
        self._catalog = None
        self._centroids = None
        self._codes = None

    def prepare(self, progress: ProgressFn | None, catalog: bool = True) -> None:
        """Load what the flows read, reporting each step to ``progress`` (a first call
        on a big workspace fits demand on every posting: seconds to minutes); without
        ``progress`` everything loads on first use instead."""
        if progress is None:
            return
        if self._load_linker is not None:
            progress("load skill linker", 0, 1)
            self._load_linker()
            progress("load skill linker", 1, 1)
        self.fit_demand(progress)
        if catalog:
            progress("load catalogue", 0, 1)
            _ = self.catalog
            progress("load catalogue", 1, 1)
