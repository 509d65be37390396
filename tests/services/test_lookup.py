"""Look-ups: the autocomplete index (prefix, word, fuzzy; rebuilt on a taxonomy change)
and keyset pages of records."""

from __future__ import annotations

import pytest

from skillmatch.errors import InputError
from skillmatch.services.lookup import LabelIndex, normalize
from tests.flow_data import import_catalogue, onet_bundle


def test_normalize_keeps_words_and_signs() -> None:
    assert normalize("  Café-au-lait, C++ & C#!") == "cafe au lait c++ c#"
    assert normalize("31-1131.00") == "31 1131 00"


def _index() -> LabelIndex:
    rows = [("t", "a", "take vital signs", "take vital signs", "preferred"),
            ("t", "a", "take vital signs", "measure vital signs", "alternative"),
            ("t", "b", "perform cardiopulmonary resuscitation",
             "perform cardiopulmonary resuscitation", "preferred"),
            ("t", "b", "perform cardiopulmonary resuscitation", "CPR", "alternative"),
            ("u", "c", "Python", "Python", "preferred"),
            ("u", "d", "vitamin chemistry", "vitamin chemistry", "preferred")]
    return LabelIndex(rows)


def test_prefix_then_word_then_fuzzy() -> None:
    index = _index()
    first = index.search("vit")
    assert [(r["code"], r["match"]) for r in first] == [("d", "prefix"), ("a", "word")]
    assert first[1]["matched"] == "take vital signs"  # the shorter of its labels
    assert [r["code"] for r in index.search("vital sig")] == ["a"]
    assert index.search("cpr")[0] == {"taxonomy": "t", "code": "b",
                                      "label": "perform cardiopulmonary resuscitation",
                                      "matched": "CPR", "match": "prefix", "score": 1.0}
    typo = index.search("resuscitaton")
    assert typo[0]["code"] == "b" and typo[0]["match"] == "fuzzy" and typo[0]["score"] > 0.8
    assert index.search("pythn")[0]["code"] == "c"
    assert index.search("xq") == [] and index.search("  ") == []


def test_each_item_once_limit_and_taxonomies() -> None:
    index = _index()
    found = index.search("vital")  # two labels, one item; then a near miss
    assert [(r["code"], r["match"]) for r in found] == [("a", "word"), ("d", "fuzzy")]
    assert len(index.search("p", limit=1)) == 1
    assert [r["code"] for r in index.search("vi", taxonomies=["u"])] == ["d"]


def test_service_rebuilds_when_a_taxonomy_changes(app) -> None:
    lookup = app.lookup
    assert lookup is app.lookup  # one service per facade
    assert lookup.skills("weld")["results"][0]["code"] == "s:weld"
    assert lookup.occupations("nurs")["results"][0]["code"] == "o:nurse"
    assert lookup.occupations("EMT")["results"] == []
    app.taxonomies.save(onet_bundle())  # a new taxonomy: the next call sees it
    found = lookup.occupations("EMT")["results"]
    assert found[0]["code"] == "29-2042.00" and found[0]["matched"] == "EMT"
    assert lookup.occupations("31-11")["results"][0]["match"] == "prefix"
    counts = lookup.warm()  # the tiny labels (other tests may add one to the shared list)
    assert counts["skills"] >= 22 and counts["occupations"] == 18
    with pytest.raises(InputError) as bad:
        lookup.skills("x", taxonomies=["nope"])
    assert bad.value.field == "taxonomy" and "tiny" in str(bad.value)
    with pytest.raises(InputError):
        lookup.skills("x", limit=0)


def test_records_page_is_keyset_with_total_and_filters(app, tmp_path) -> None:
    import_catalogue(app, tmp_path)
    lookup = app.lookup
    seen: list[str] = []
    after = 0
    while True:
        page = lookup.records_page("posting", after=after, limit=4)
        assert page["total"] == 9
        seen += [r["code"] for r in page["records"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert seen == [f"p{i}" for i in range(6)] + ["w0", "w1", "w2"]
    welders = lookup.records_page("posting", filters={"occupation_code": "51-4121.00"})
    assert welders["total"] == 3 and welders["next_after"] is None
    assert welders["records"][0]["skill_count"] >= 1
    with pytest.raises(InputError) as bad:
        lookup.records_page("posting", filters={"description": "x"})
    assert bad.value.field == "description"
    with pytest.raises(InputError):
        lookup.records_page("widget")
