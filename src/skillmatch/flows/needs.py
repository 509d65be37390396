"""Employer flow: post a skill need, and see who supplies those skills.

A need (required and preferred skills, as ids, labels or free text) is stored like an
imported one and counts in demand at once. The answer shows what was understood (each
phrase's skill, with its score), what could not be linked, and the credentials that
teach the skills, ranked by the need's weights alone (required 1, preferred 0.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..services.context import Context
    from ..services.linking import LinkingService
    from ..services.records import RecordService
    from ..services.state import State
    from .demand_view import Visible

REQUIRED, PREFERRED = 1.0, 0.5  # a skill's weight in the need, by its role


def post_need(
    ctx: Context,
    linking: LinkingService,
    records: RecordService,
    state: State,
    employer: str,
    *,
    role: str = "",
    occupation: str = "",
    required: Sequence[str] = (),
    preferred: Sequence[str] = (),
    openings: int = 1,
    region: str = "",
    date: str | None = None,
    need_id: str | None = None,
    k: int = 5,
    taxonomies: Sequence[str] = (),
) -> dict[str, Any]:
    """Store an employer's skill need, count it in demand at once, and show what it
    understood, what it could not link, and the credentials that supply the skills;
    its skills resolved in ``taxonomies`` (default: the setting, else all)."""
    from ..catalog.models import parse_need
    from ..catalog.pipeline import RecordImporter

    need = parse_need(
        {"id": need_id, "employer": employer, "role": role, "occupation_code": occupation,
         "required_skills": list(required), "preferred_skills": list(preferred),
         "openings": openings, "region": region, "date": date},
        "need", 1)
    declared = linking.declared_for(taxonomies)
    report = RecordImporter(force=True).run(
        "need", [need], ctx.records, declared, None, {}, None)
    state.changed()
    return need_answer(ctx, records, state, need.id, report.unresolved.get(need.id, []),
                       k=k)


def need_answer(ctx: Context, records: RecordService, state: State, need_id: str,
                not_linked: Sequence[str], *, k: int = 5, visible: Visible | None = None
                ) -> dict[str, Any]:
    """What a stored need was understood as (each phrase's skill and score), what
    could not be linked (``not_linked``), and the credentials that supply its skills,
    ranked by the need's weights alone (the postings they name: those ``visible`` lets
    the caller see)."""
    from .recommend import Filters, rank_credentials

    stored = records.record("need", need_id)
    weights: dict[int, float] = {}
    for m in ctx.records.evidence("need", stored["id"]):
        weights[m["skill_id"]] = max(weights.get(m["skill_id"], 0.0),
                                     REQUIRED if m["role"] == "required" else PREFERRED)
    catalog, demand = state.catalog, state.demand
    supply = rank_credentials(
        catalog, demand, ctx.taxonomies, query_vector=None, weights=weights,
        known=set(), filters=Filters(), relevance_weight=0.0, k=k,
        visible=visible) if catalog.rows else []
    return {
        "need": {"id": stored["code"], "employer": stored["employer"],
                 "role": stored["role"], "occupation": stored["occupation_code"],
                 "openings": stored["openings"], "region": stored["region"]},
        "understood": [{"phrase": s["evidence"]["text"], "id": s["id"], "label": s["label"],
                        "role": s["role"], "score": s["score"]} for s in stored["skills"]],
        "not_linked": list(not_linked),
        "demand_records": demand.size()["records"],
        "credentials": [r for r in supply if r["value"] > 0],
    }
