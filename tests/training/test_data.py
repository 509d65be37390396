"""Training pairs: no evaluation sentence is ever trained on; batches hold true negatives."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillmatch.text import normalize
from skillmatch.training.data import Pair, batches, build_pairs, leaks, protected_texts


def test_batches_never_repeat_a_positive() -> None:
    pairs = [Pair(f"a{i}", f"p{i % 3}", None, "t") for i in range(30)]
    out = batches(pairs, 3)
    assert out and all(len({p.positive for p in b}) == len(b) for b in out)
    assert sum(len(b) for b in out) == 30


def test_leaks_compares_normalised_text() -> None:
    pairs = [Pair("Use Python,  daily!", "p", None, "t"), Pair("other", "p", None, "t")]
    assert leaks(pairs, {normalize("use python daily")}) == ["Use Python,  daily!"]


@pytest.mark.shared
def test_real_pairs_hold_no_test_or_dev_sentence(shared: Path) -> None:
    pairs, counts = build_pairs(shared, seed=1)
    protected = protected_texts(shared)
    assert len(protected) > 5_000  # SkillSkape dev + test, SkillSpan test
    assert leaks(pairs, protected) == []
    assert counts["skillskape"] > 10_000 and counts["esco-alt"] > 10_000
    assert counts["esco-description"] > 13_000
    assert counts["dropped: label not in ESCO v1.1.1"] > 0  # counted, not hidden
    with_negative = [p for p in pairs if p.negative]
    assert len(with_negative) > 0.8 * len(pairs)
    assert all(p.negative != p.positive for p in with_negative)
    again, _ = build_pairs(shared, seed=1)
    assert again[:50] == pairs[:50]  # seeded
