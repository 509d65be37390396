"""Workforce flow: the most demanded skills of a slice, and an occupation's skill tiers.

The table (:func:`.demand_view.demand_table`) ranks the skills of the postings and needs
in a region, occupation and time window, each with the records behind it. With an
occupation, its skills are also split into tiers (:meth:`DemandModel.tiers`):
necessary, defining and distinguishing, each skill labelled.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from ..progress import ProgressFn
from ..storage.taxonomy_store import TaxonomyStore

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.state import State
    from ..services.taxonomies import TaxonomyService
    from .demand_view import Visible

TIERS = ("necessary", "defining", "distinguishing")


def demand(
    ctx: Context,
    taxonomy_service: TaxonomyService,
    state: State,
    *,
    region: str | None = None,
    occupation: str | None = None,
    window: tuple[str, str] | None = None,
    top: int = 20,
    order: str = "score",
    taxonomies: Sequence[str] = (),
    progress: ProgressFn | None = None,
    visible: Visible | None = None,
) -> dict[str, Any]:
    """The most demanded skills of a slice, each with the postings behind it (those
    ``visible`` lets the caller see); only skills of ``taxonomies`` (default: the
    setting, else all)."""
    from .demand_view import demand_table
    from .targets import find_occupation

    state.prepare(progress, catalog=False)
    names = taxonomy_service.selection(taxonomies)
    code = target = None
    if occupation:
        occ = find_occupation(ctx, state, occupation)
        code, target = occ.code, occ.to_dict()
    model, store = state.demand, ctx.taxonomies
    table = demand_table(model, store, region=region, occupation=code, window=window,
                         top=top, order=order, only=names, visible=visible)
    if code:
        table["target"] = target
        table["tiers"] = tier_labels(store, model.tiers(code, region), names)
    return table


def tier_labels(store: TaxonomyStore, tiers: dict[str, Any],
                only: Collection[str] | None = None) -> dict[str, Any]:
    """Each tier's skills with their label and code (only the taxonomies ``only``,
    when given)."""
    rows = store.skills_by_id(r["skill_id"] for t in TIERS for r in tiers[t])
    for t in TIERS:
        if only:
            tiers[t] = [r for r in tiers[t] if rows[r["skill_id"]].taxonomy in only]
        for r in tiers[t]:
            r["label"] = rows[r["skill_id"]].label
            r["id"] = rows[r["skill_id"]].code
    return tiers
