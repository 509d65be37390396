"""A credential with no cost or hours: unknown, never free, kept out of cost and hours
filters unless asked for (fake embedder)."""

import json

import pytest
from click.testing import CliRunner

from skillmatch.catalog.models import cost_text, hours_text, parse_credential
from skillmatch.cli import main
from skillmatch.flows.recommend import Filters
from tests.flow_data import CREDENTIALS, POSTINGS

UNKNOWN = [{k: v for k, v in c.items() if c["id"] != "team" or k not in ("cost", "hours")}
           for c in CREDENTIALS]  # the teamwork badge gives no cost and no hours


def row(cost, hours, **more):
    return {"cost": cost, "hours": hours, "type": "badge", "delivery": "online",
            "region": "", **more}


def test_parsing_keeps_unknown_apart_from_free() -> None:
    none = parse_credential({"id": "x", "title": "T"}, "f", 1)
    blank = parse_credential({"id": "x", "title": "T", "cost": "", "hours": None}, "f", 1)
    free = parse_credential({"id": "x", "title": "T", "cost": 0, "hours": "0"}, "f", 1)
    assert (none.cost, none.hours) == (None, None) == (blank.cost, blank.hours)
    assert (free.cost, free.hours) == (0.0, 0.0)


def test_cost_and_hours_read_unknown_not_free() -> None:
    assert (cost_text(None), cost_text(0), cost_text(1200.0)) == ("unknown", "free", "$1,200")
    assert (hours_text(None), hours_text(0), hours_text(7.5)) == ("unknown", "0 h", "7.5 h")


def test_filters_leave_out_unknown_unless_asked() -> None:
    assert Filters(max_cost=10).allows(row(0, 5))
    assert not Filters(max_cost=10).allows(row(None, 5))
    assert Filters(max_cost=10, include_unknown_cost=True).allows(row(None, 5))
    assert not Filters(max_hours=10).allows(row(0, None))
    assert Filters(max_hours=10, include_unknown_hours=True).allows(row(0, None))
    assert Filters().allows(row(None, None))  # no limit: nothing to be unknown about
    assert "include_unknown_cost" not in Filters(max_cost=10).describe()
    assert Filters(max_cost=0).describe() == {"max_cost": 0}
    assert Filters(max_cost=5, include_unknown_cost=True).describe() == {
        "max_cost": 5, "include_unknown_cost": True}


@pytest.fixture
def loaded(app, tmp_path):
    for kind, rows in (("posting", POSTINGS), ("credential", UNKNOWN)):
        path = tmp_path / f"{kind}.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows))
        app.import_records(kind, path)
    return app


def ids(out) -> list[str]:
    return [r["id"] for r in out["results"]]


def test_recommend(loaded) -> None:
    every = loaded.recommend("work in teams")
    team = next(r for r in every["results"] if r["id"] == "team")
    assert team["cost"] is None and team["hours"] is None
    assert "team" not in ids(loaded.recommend("work in teams", max_cost=10))
    assert "cna" in ids(loaded.recommend("work in teams", max_cost=10))  # free passes
    assert "team" in ids(loaded.recommend("work in teams", max_cost=10,
                                          include_unknown_cost=True))
    assert "team" not in ids(loaded.recommend("work in teams", max_hours=500))
    assert "team" in ids(loaded.recommend("work in teams", max_hours=500,
                                          include_unknown_hours=True))


def test_pathway_totals_name_the_unknown_parts(loaded) -> None:
    out = loaded.pathway("31-1131.00", target_coverage=1.0)
    chosen = [s["id"] for s in out["steps"]]
    assert set(chosen) == {"cna", "team"}
    assert out["total_cost"] == 0 and out["total_cost_unknown"] == ["team"]
    assert out["total_hours"] == 120 and out["total_hours_unknown"] == ["team"]
    capped = loaded.pathway("31-1131.00", target_coverage=1.0, max_cost=10)
    assert "team" not in [s["id"] for s in capped["steps"]]
    assert capped["total_cost_unknown"] == []
    asked = loaded.pathway("31-1131.00", target_coverage=1.0, max_cost=10,
                           include_unknown_cost=True)
    assert "team" in [s["id"] for s in asked["steps"]]
    knows = loaded.pathway("31-1131.00", known_skills=["CPR"])
    assert 0 < knows["coverage_from_known"] < 1


def test_pathway_prices_unknown_cost_as_the_median_known_one() -> None:
    import numpy as np
    from scipy import sparse

    from skillmatch.flows.catalog_view import CatalogView
    from skillmatch.flows.pathways import greedy_cover

    rows = [{"code": code, "title": code, "cost": cost, "hours": 1.0, "type": "",
             "delivery": "", "region": ""}
            for code, cost in (("unknown", None), ("cheap", 50.0), ("dear", 350.0))]
    taught = sparse.csr_matrix(np.array([[0, 1.0, 0], [0, 1.0, 0], [0, 0, 1.0]]))
    catalog = CatalogView(rows, np.zeros((3, 4), dtype=np.float32), taught,
                          {r["code"]: i for i, r in enumerate(rows)})
    # taken for free, "unknown" would win; at the median known cost (200) "cheap" does
    out = greedy_cover(catalog, {1: 1.0, 2: 1.0}, set(), Filters(), max_steps=1)
    assert [s["id"] for s in out["steps"]] == ["cheap"]
    both = greedy_cover(catalog, {1: 1.0}, set(), Filters(), max_steps=1)
    assert both["steps"][0]["id"] == "cheap"
    alone = greedy_cover(catalog, {1: 1.0}, set(), Filters(max_cost=10,
                         include_unknown_cost=True), max_steps=1)
    assert alone["steps"][0]["id"] == "unknown" and alone["steps"][0]["cost"] is None
    assert alone["total_cost"] == 0 and alone["total_cost_unknown"] == ["unknown"]


def test_cli_tables_say_unknown(loaded, tmp_path) -> None:
    runner = CliRunner()
    base = ["--home", str(loaded.settings.home), "--embedder", "fake"]
    out = runner.invoke(main, [*base, "recommend", "work in teams", "--max-cost", "10",
                               "--include-unknown-cost"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    team = next(line for line in out.output.splitlines() if "Teamwork Badge" in line)
    assert "cost unknown" in team and "hours unknown" in team
    aide = next(line for line in out.output.splitlines() if "Nurse Aide" in line)
    assert "free" in aide and "120 h" in aide
    path = runner.invoke(main, [*base, "pathway", "31-1131.00", "--coverage", "1"],
                         catch_exceptions=False)
    assert path.exit_code == 0, path.output
    assert "Teamwork Badge (cost unknown, hours unknown)" in path.output
    assert "total: $0 and 120 h known; cost unknown for team; hours unknown for team" in (
        path.output)
    listed = runner.invoke(main, [*base, "credentials", "list"], catch_exceptions=False)
    team_row = next(line for line in listed.output.splitlines() if line.startswith("team"))
    assert team_row.count("unknown") == 2
