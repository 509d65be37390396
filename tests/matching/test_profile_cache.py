"""Credential texts' skill profiles kept for alignments (``matching/profile_cache.py``):
read back as computed, keyed by the linker, filled once, and used by ``align``."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from skillmatch.flows.occupation_match import catalog_subjects
from skillmatch.matching.features import profiles
from skillmatch.matching.profile_cache import ProfileCache


class CountingLinker:
    """A linker whose ranked skills are a function of the text; counts its calls."""

    skills_ = list(range(10))

    def __init__(self) -> None:
        self.ranked: list[str] = []

    def rank(self, texts, depth, prepared=None):
        self.ranked += list(texts)
        return [SimpleNamespace(skills=[SimpleNamespace(row_id=len(t) % 10, score=0.5),
                                        SimpleNamespace(row_id=3, score=-0.2)])
                for t in texts]


def test_profiles_read_back_as_computed_and_are_not_linked_again(tmp_path: Path) -> None:
    cache = ProfileCache(tmp_path / "p.sqlite", "linker-a")
    linker = CountingLinker()
    texts = ["welding basics", "CNA pathway", "welding basics"]
    first = profiles(linker, texts, cache=cache)
    assert linker.ranked == texts
    again = profiles(linker, texts, cache=cache)
    assert linker.ranked == texts  # nothing linked the second time
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, profiles(CountingLinker(), texts))  # as uncached
    assert first[0, 3] == 0.0  # negative scores count as 0, as before


def test_another_linker_reads_none_of_them(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    ProfileCache(path, "linker-a").put_many(["x"], [(np.array([1]), np.array([0.9]))])
    assert ProfileCache(path, "linker-a").get_many(["x"])[0][0].tolist() == [1]
    assert ProfileCache(path, "linker-b").get_many(["x"]) == {}


def test_fill_computes_only_what_is_missing_and_stops_when_asked(tmp_path: Path) -> None:
    cache = ProfileCache(tmp_path / "p.sqlite", "linker-a")
    computed: list[list[str]] = []

    def compute(texts: list[str]):
        computed.append(texts)
        return [(np.array([i]), np.array([0.5], dtype=np.float32)) for i in range(len(texts))]

    assert cache.fill(["a", "b", "c", "a"], compute, batch=2) == 3
    assert computed == [["a", "b"], ["c"]]
    assert cache.fill(["a", "b", "c", "d"], compute) == 1 and computed[-1] == ["d"]
    assert cache.fill(["e", "f"], compute, stop=lambda: True) == 0
    assert cache.missing(["a", "e"]) == ["e"]


def test_align_reads_the_kept_profiles_and_answers_the_same(with_onet, monkeypatch) -> None:
    before = with_onet.align("cna", k=3)
    # the align above kept cna's profile: the others are computed
    assert with_onet.keep_profiles() == len(with_onet.catalog_view.rows) - 1
    assert with_onet.keep_profiles() == 0  # all kept
    matcher = with_onet.linking_service.matcher()
    linker = matcher.linker
    ranked: list[str] = []
    rank = linker.rank

    def recording(texts, *args, **kwargs):
        ranked.extend(texts)
        return rank(texts, *args, **kwargs)

    monkeypatch.setattr(linker, "rank", recording)
    after = with_onet.align("cna", k=3)
    assert after["prepares_for"] == before["prepares_for"]
    [cna] = catalog_subjects([r for r in with_onet.catalog_view.rows if r["code"] == "cna"])
    assert cna.text not in ranked  # its kept profile was read, not linked again
    text = "Arc welding of steel plate for shipyards."
    with_onet.align(description=text, k=3)
    assert text in ranked  # a text never kept is linked
    assert matcher.profiles.missing([text]) == []  # and kept
