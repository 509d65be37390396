"""BM25 over skill labels."""

from skillmatch.linking.bm25 import LabelBM25, stem, tokens


def test_tokens_drop_stopwords_and_stem() -> None:
    assert tokens("Welding of the metal parts") == ["weld", "metal", "part"]
    assert stem("studies") == "study" and stem("css") == "css"


def test_scores_only_candidates_and_prefer_specific_terms() -> None:
    bm25 = LabelBM25().fit([
        (1, "weld metal parts"), (1, "MIG welding"),
        (2, "operate 3D printers"), (2, "3D printing"),
        (3, "metal work"),
    ])
    scores = bm25.scores("we weld parts", [1, 2, 3, 99])
    assert set(scores) == {1, 2, 3, 99}
    assert scores[1] > scores[3] == 0.0 and scores[2] == 0.0 and scores[99] == 0.0
    # a rare term outweighs a common one
    common = bm25.scores("metal", [1, 3])
    rare = bm25.scores("printers", [2])
    assert rare[2] > common[1] > 0
