"""The flows' read caches (services.state): built once, dropped together by changed(),
which every write path calls after it commits (fake embedder)."""

from __future__ import annotations

import pytest

from skillmatch.catalog.models import Credential, Posting
from tests.conftest import tiny_bundle
from tests.flow_data import import_catalogue

CACHES = ("demand", "catalog", "centroids", "codes")


def _held(app) -> dict[str, object]:
    return {name: getattr(app.state, name) for name in CACHES}


@pytest.fixture
def loaded(app, tmp_path):
    return import_catalogue(app, tmp_path)


def test_each_cache_is_built_once_and_read_through_the_facade(loaded) -> None:
    held = _held(loaded)
    assert _held(loaded) == held and all(_held(loaded)[n] is held[n] for n in CACHES)
    assert loaded.demand_model is held["demand"] and loaded.catalog_view is held["catalog"]
    assert loaded.state.codes is held["codes"]
    assert held["demand"].size()["records"] == 9 and len(held["catalog"].rows) == 3


def _imports_a_posting(app) -> int:
    app.import_records("posting", [Posting(id="x1", title="Welder",
                                           description="MIG welding.")])
    return 1


def _imports_a_credential(app) -> int:
    app.import_records("credential", [Credential(id="c9", title="Spreadsheets",
                                                 description="Microsoft Excel.")])
    return 1


def _deletes(app) -> int:
    app.delete_records("posting", ["p0"])
    return -1


def _posts_a_need(app) -> int:
    app.post_need("Acme", required=["CPR"])
    return 1


def _imports_a_taxonomy(app) -> int:
    app.import_taxonomy("custom", "unused.csv")  # read_taxonomy patched below
    return 0


def _imports_a_crosswalk(app) -> int:
    assert app.import_crosswalk("unused") == []  # read_crosswalks patched below
    return 0


def _stored(app) -> int:
    return sum(app.list_records(k, limit=1)["total"] for k in ("credential", "posting", "need"))


@pytest.mark.parametrize("write", [_imports_a_posting, _imports_a_credential, _deletes,
                                   _posts_a_need, _imports_a_taxonomy, _imports_a_crosswalk])
def test_every_write_path_calls_changed_once_after_it_commits(loaded, monkeypatch,
                                                              write) -> None:
    import skillmatch.taxonomy as taxonomy
    import skillmatch.taxonomy.crosswalk as crosswalk

    monkeypatch.setattr(taxonomy, "read_taxonomy", lambda *a, **k: tiny_bundle("more"))
    monkeypatch.setattr(crosswalk, "read_crosswalks", lambda *a, **k: [])
    before = _stored(loaded)
    seen: list[int] = []
    changed = loaded.state.changed

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(_stored(loaded))  # what is committed when the caches are dropped
        changed(*args, **kwargs)

    monkeypatch.setattr(loaded.state, "changed", spy)
    delta = write(loaded)
    assert seen == [before + delta]


def test_a_write_is_seen_by_the_next_read(loaded) -> None:
    records, credentials = loaded.demand_model.size()["records"], len(loaded.catalog_view.rows)
    _imports_a_posting(loaded)
    _posts_a_need(loaded)
    assert loaded.demand_model.size()["records"] == records + 2
    _deletes(loaded)
    assert loaded.demand_model.size()["records"] == records + 1
    _imports_a_credential(loaded)
    assert len(loaded.catalog_view.rows) == credentials + 1


def test_prepare_loads_the_linker_first_and_the_catalogue_last(loaded) -> None:
    from skillmatch.app import SkillMatch

    with SkillMatch(loaded.settings) as fresh:  # as a new process: nothing loaded yet
        calls: list[tuple[str, int, int]] = []
        fresh.state.prepare(lambda stage, done, total: calls.append((stage, done, total)))
        stages = list(dict.fromkeys(s for s, _, _ in calls))
        assert stages[0] == "load skill linker" and stages[-1] == "load catalogue"
        assert all(any(s == stage and d == t for s, d, t in calls) for stage in stages)
        calls.clear()
        fresh.state.prepare(lambda *a: calls.append(a), catalog=False)
        assert "load catalogue" not in {s for s, _, _ in calls}
        calls.clear()
        fresh.state.prepare(None)  # no progress: nothing reported, loads on first use
        assert calls == []
