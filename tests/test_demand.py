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


def test_evidence_by_region_and_after_changes_matches_a_brute_force_reading() -> None:
    from skillmatch.demand import DemandColumns

    for seed in range(4):
        model, records, mentions = _model(seed)
        rng = random.Random(seed + 100)
        # a change: some records removed, new ones (with mentions of their own) appended
        removed = [(records[i].kind, records[i].row_id) for i in rng.sample(range(300), 40)]
        extra = [DemandRecord("posting", 300 + i, f"x{i}", rng.choice(["A", "A-North", "B"]),
                              "o1", "2026-06-01", rng.randint(1, 5)) for i in range(30)]
        extra_mentions = [(rng.randrange(30), rng.randrange(40), "") for _ in range(200)]
        changed = model.with_changes(removed, DemandColumns.of(extra, extra_mentions))
        gone = {row for _, row in removed}
        everyone = [r for r in records if r.row_id not in gone] + extra
        asks = {(i, s) for i, s, _ in mentions if records[i].row_id not in gone} | {
            (300 + i, s) for i, s, _ in extra_mentions}
        weight = {int(changed.row_id_[p]): float(changed.weight_[p])
                  for p in range(len(changed.row_id_)) if changed.alive_[p]}
        position = {int(changed.row_id_[p]): p for p in range(len(changed.row_id_))}
        for skills in ([3], [5, 7], [0, 1, 2, 3], [39]):
            for region in (None, "A", "B"):
                asked = sorted({r.row_id for r in everyone if r.kind == "posting"
                                and any((r.row_id, s) in asks for s in skills)
                                and (region is None or r.region.split("-")[0] == region)},
                               key=lambda row: (-weight[row], position[row]))
                got = [r.row_id for r in changed.evidence(skills, limit=3, region=region)]
                assert got == asked[:3], (seed, skills, region)
        for code in ("o1", "o2", "nowhere"):
            records_in = sum(1 for r in everyone if r.occupation == code)
            assert changed.size(occupation=code)["records"] == records_in
            # the one-occupation slice (mentions sorted by occupation) against the mask
            fast = changed.skills(occupation=code)
            slow = changed._skills(None, code, ("0001-01-01", "9999-12-31"))
            assert fast.keys() == slow.keys(), code
            for sid, figures in slow.items():
                for name, value in figures.items():
                    assert abs(fast[sid][name] - value) < 1e-9, (code, sid, name)


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
