"""The demand model's indexed queries agree with a brute-force reading of the same data."""

from __future__ import annotations

import random

from skillmatch.demand import DemandModel, DemandRecord


def _model(seed: int) -> tuple[DemandModel, list[DemandRecord], list[tuple[int, int, str]]]:
    rng = random.Random(seed)
    records = [DemandRecord(rng.choice(["posting", "need"]), i, f"r{i}",
                            rng.choice(["A", "B"]), rng.choice(["o1", "o2", "o3"]),
                            f"2026-{rng.randint(1, 12):02d}-01", rng.randint(1, 3))
               for i in range(300)]
    mentions = [(rng.randrange(300), rng.randrange(40), rng.choice(["", "preferred"]))
                for _ in range(2_000)]
    return DemandModel(half_life_days=180).fit(records, mentions), records, mentions


def test_evidence_is_the_heaviest_records_with_ties_by_order() -> None:
    for seed in range(5):
        model, records, mentions = _model(seed)
        for skills in ([3], [5, 7], [0, 1, 2, 3], [39], [99]):
            for kind in ("posting", None):
                asked = sorted({i for i, s, _ in mentions if s in skills
                                and (kind is None or records[i].kind == kind)},
                               key=lambda i: (-model.weight_[i], i))
                got = [r.row_id for r in model.evidence(skills, limit=3, kind=kind)]
                assert got == asked[:3], (seed, skills, kind)


def test_skills_are_memoised_per_slice_and_match_a_recount() -> None:
    model, records, mentions = _model(11)
    whole = model.skills()
    assert model.skills() is whole  # same slice, same answer, not recomputed
    region_a = model.skills(region="A")
    recount = {s for i, s, _ in mentions if records[i].region == "A"}
    assert set(region_a) == recount


def test_one_record_dated_far_ahead_does_not_make_the_others_weightless() -> None:
    from datetime import date, timedelta

    today = date.today()
    records = [DemandRecord("posting", i, f"r{i}", "A", "o1", today.isoformat(), 1)
               for i in range(5)]
    records.append(DemandRecord("posting", 9, "typo", "A", "o1", "9999-12-31", 1))
    model = DemandModel(half_life_days=365).fit(records, [(i, 1, "") for i in range(6)])
    # the reference is capped a year from today: today's records weigh about a half
    assert model.weight_[:5].min() > 0.45
    assert model.reference_day_ <= (today + timedelta(days=366) - date(1970, 1, 1)).days
