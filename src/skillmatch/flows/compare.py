"""Program designer flow: two or three catalogued credentials side by side.

Each credential is aligned (:func:`.align.align`) against the *same* targets, so that
the alignments compare: the occupations given, or else the occupation each credential
prepares for best (their union, in the order of the credentials). Beside each one's
alignment, cost and hours: the in-demand skills it covers, those that only it covers
among the ones compared, and those it misses; and the skills every one of them covers
(shared) or misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..progress import ProgressFn

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.linking import LinkingService
    from ..services.state import State

MIN_COMPARED, MAX_COMPARED = 2, 3
COST_FIELDS = ("provider", "type", "cost", "hours", "delivery", "level")


def compare(
    ctx: Context,
    linking: LinkingService,
    state: State,
    credentials: Sequence[str],
    *,
    occupations: Sequence[str] = (),
    region: str | None = None,
    k: int = 5,
    taxonomies: Sequence[str] = (),
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Two or three credentials (ids) aligned against the same targets, side by side;
    ``k``: missing skills listed per credential (every covered one is listed)."""
    from .align import align

    ids = [c.strip() for c in credentials]
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        raise InputError(f"{len(ids)} credentials (compare {MIN_COMPARED} or "
                         f"{MAX_COMPARED})", field="credentials")
    if len(set(ids)) < len(ids):
        raise InputError("a credential is named twice", field="credentials")

    def aligned(credential: str, targets: Sequence[str]) -> dict[str, Any]:
        return align(ctx, linking, state, credential, occupations=targets, region=region,
                     k=k, taxonomies=taxonomies, progress=progress)

    basis = "given"
    if occupations:
        reports = [aligned(c, occupations) for c in ids]
    else:  # each one's best target, shared by all
        first = [aligned(c, ()) for c in ids]
        targets = list(dict.fromkeys(r["targets"][0]["occupation"]["code"]
                                     for r in first if r["targets"]))
        basis = "the occupation each credential prepares for best"
        reports = first if not targets or all(_codes(r) == targets for r in first) else [
            aligned(c, targets) for c in ids]
    covered = [{_key(s) for s in r["covered_in_demand"]} for r in reports]
    shared = set.intersection(*covered)
    catalog = state.catalog
    side = []
    for report, mine in zip(reports, covered):
        others = set().union(*(c for c in covered if c is not mine))
        row = catalog.rows[catalog.position[report["credential"]["id"]]]
        side.append({
            **report["credential"], **{f: row.get(f) for f in COST_FIELDS},
            "alignment": report["alignment"],
            "covered_in_demand": report["covered_in_demand"],
            "unique_in_demand": [s for s in report["covered_in_demand"]
                                 if _key(s) not in others],
            "missing_in_demand": report["missing_in_demand"][:k],
            "suggested_additions": report["suggested_additions"],
        })
    anyone = set().union(*covered)
    return {
        "targets": reports[0]["targets"],
        "targets_from": basis,
        "region": region,
        "formula": reports[0]["formula"],
        "credentials": side,
        "shared_in_demand": [s for s in reports[0]["covered_in_demand"] if _key(s) in shared],
        "missing_in_all": [s for s in reports[0]["missing_in_demand"]
                           if _key(s) not in anyone][:k],
        "best": _best(side),
        "provenance": reports[0]["provenance"],
    }


def _key(skill: dict[str, Any]) -> tuple[str, str]:
    return skill["taxonomy"], skill["id"]


def _codes(report: dict[str, Any]) -> list[str]:
    return [t["occupation"]["code"] for t in report["targets"]]


def _best(side: Sequence[dict[str, Any]]) -> dict[str, str | None]:
    """The id with the highest alignment, the lowest known cost, the fewest known hours
    (None when no credential states it; ties: the first)."""
    def lowest(field: str) -> str | None:
        known = [c for c in side if c.get(field) is not None]
        return min(known, key=lambda c: c[field])["id"] if known else None

    return {"alignment": max(side, key=lambda c: c["alignment"])["id"],
            "cost": lowest("cost"), "hours": lowest("hours")}
