"""String columns and grouped strings (what linking tables save strings as), and the
lexicon and BM25 saved to arrays and restored."""

import numpy as np
import pytest

from skillmatch.linking.bm25 import LabelBM25
from skillmatch.linking.columns import Grouped, StringColumn
from skillmatch.linking.lexicon import Lexicon
from skillmatch.text import normalize


@pytest.mark.parametrize("strings", [
    [], [""], ["a", "", "bc"], ["café", "naïve au lait", "x"], ["plain", "ascii only"]])
def test_string_column_round_trip(strings) -> None:
    column = StringColumn.of(strings)
    assert len(column) == len(strings) and list(column) == strings
    assert [column[i] for i in range(len(strings))] == strings
    assert column[1:] == strings[1:] and column[::2] == strings[::2]
    if strings:
        assert column[-1] == strings[-1]
    with pytest.raises(IndexError):
        column[len(strings)]


def test_grouped_converts_a_group_on_first_use() -> None:
    groups = {7: {"b", "a"}, 3: {"z"}, 10: set()}
    arrays = Grouped.encode(groups)
    grouped = Grouped.decode(arrays, set)
    assert list(grouped) == [3, 7, 10] and len(grouped) == 3
    assert dict(grouped) == groups
    assert 7 in grouped and np.int64(7) in grouped and 4 not in grouped and "7" not in grouped
    assert grouped.get(4, ()) == () and grouped[7] is grouped[7]
    assert dict(Grouped.decode(Grouped.encode({}), set)) == {}


def restored(lex: Lexicon) -> Lexicon:
    meta, arrays = lex.export()
    return Lexicon.restore(meta, {k: np.array(v) for k, v in arrays.items()})


def test_a_restored_lexicon_finds_what_the_fitted_one_finds() -> None:
    rows = [(1, 10, "Excel", "preferred"), (2, 11, "Microsoft Excel", "alternative"),
            (3, 12, "work", "preferred"), (4, 13, "C++", "preferred"),
            (5, 14, "Microsoft Excel pivot tables", "hidden"), (6, 15, "Excel", "hidden"),
            (7, 16, "manage staff", "preferred"), (8, 17, "manage", "alternative")]
    lex = Lexicon().fit((i, o, normalize(label), k) for i, o, label, k in rows)
    again = restored(lex)
    assert again.table() == lex.table()
    assert lex.table()["excel"] == [(10, 1, "preferred"), (15, 6, "hidden")]
    for text in ("Use Microsoft Excel daily and C++ at work.",
                 "Microsoft Excel pivot tables; Microsoft Word; manage staff and manage",
                 "", "nothing here"):
        assert again.find(text) == lex.find(text)
        assert again.find(text, 4, 30) == lex.find(text, 4, 30)
    hits = lex.find("Microsoft Excel pivot tables")
    assert [(h.owner, h.entry, h.kind) for h in hits] == [(14, 5, "hidden")]
    assert all(type(h.owner) is int and type(h.entry) is int for h in hits)
    empty = Lexicon().fit([])
    assert restored(empty).find("anything") == [] == empty.find("anything")


def test_a_restored_bm25_scores_like_the_fitted_one() -> None:
    bm25 = LabelBM25().fit([(1, "weld metal parts"), (1, "MIG welding"),
                            (2, "operate 3D printers"), (3, "metal work")])
    meta, arrays = bm25.export()
    again = LabelBM25.restore(meta, arrays)
    for text in ("we weld parts", "metal printers", ""):
        assert again.scores(text, [1, 2, 3, 99]) == bm25.scores(text, [1, 2, 3, 99])
