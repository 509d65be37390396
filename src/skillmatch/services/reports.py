"""What program designers and workforce analysts read beside single answers:
credentials compared side by side (:mod:`skillmatch.flows.compare`), demand with its
trend and one skill's demand over time (:mod:`skillmatch.flows.demand_trends`).

Each call reads one snapshot (:meth:`State.pinned`), as the facade's flows do; the
flows are imported on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from .context import Context
from .linking import LinkingService
from .state import State
from .taxonomies import TaxonomyService

if TYPE_CHECKING:
    from ..flows.demand_view import Visible


class ReportService:
    def __init__(self, ctx: Context, linking: LinkingService, taxonomies: TaxonomyService,
                 state: State) -> None:
        self._ctx = ctx
        self._linking = linking
        self._taxonomies = taxonomies
        self._state = state

    def compare(self, credentials: Sequence[str], *, occupations: Sequence[str] = (),
                region: str | None = None, k: int = 5, taxonomies: Sequence[str] = ()
                ) -> dict[str, Any]:
        """Two or three catalogued credentials aligned against the same targets."""
        from ..flows.compare import compare

        with self._state.pinned():
            return compare(self._ctx, self._linking, self._state, credentials,
                           occupations=occupations, region=region, k=k, taxonomies=taxonomies)

    def demand(self, *, region: str | None = None, occupation: str | None = None,
               since: date | None = None, until: date | None = None, top: int = 20,
               order: str = "score", taxonomies: Sequence[str] = (),
               visible: Visible | None = None, trend: bool = False) -> dict[str, Any]:
        """The demand table of a slice (window ``since`` to ``until``), with each skill's
        trend when asked (:func:`~skillmatch.flows.demand_trends.add_trends`)."""
        from ..flows.demand_flow import demand
        from ..flows.demand_trends import add_trends

        window = ((since or date.min).isoformat(), (until or date.max).isoformat()) \
            if since or until else None
        with self._state.pinned():
            table = demand(self._ctx, self._taxonomies, self._state, region=region,
                           occupation=occupation, window=window, top=top, order=order,
                           taxonomies=taxonomies, visible=visible)
            if trend:
                add_trends(table, self._ctx, self._state.demand, since=since, until=until)
            return table

    def skill_series(self, skill: str, *, interval: str = "month", region: str | None = None,
                     occupation: str | None = None, since: date | None = None,
                     until: date | None = None, taxonomies: Sequence[str] = ()
                     ) -> dict[str, Any]:
        """One skill's share of postings and needs per month (quarter, year)."""
        from ..flows.demand_trends import skill_series

        with self._state.pinned():
            return skill_series(self._ctx, self._state, skill, interval=interval,
                                region=region, occupation=occupation, since=since,
                                until=until, taxonomies=taxonomies)
