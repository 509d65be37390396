from skillmatch.linking.lexicon import Lexicon
from skillmatch.text import normalize


def test_longest_match_with_offsets() -> None:
    rows = [(1, 10, "Excel", "preferred"), (2, 11, "Microsoft Excel", "alternative"),
            (3, 12, "work", "preferred"), (4, 13, "C++", "preferred")]
    lex = Lexicon().fit((i, o, normalize(label), k) for i, o, label, k in rows)
    text = "Use Microsoft Excel daily and C++ at work."
    hits = lex.find(text)
    spans = {(h.owner, text[h.start : h.end]) for h in hits}
    assert (11, "Microsoft Excel") in spans
    assert (10, "Excel") not in spans  # inside the longer match
    assert (13, "C++") in spans
    assert not any(h.owner == 12 for h in hits)  # stop-word label never fires


def test_normalize() -> None:
    assert normalize("  Microsoft  EXCEL ") == "microsoft excel"
    assert normalize("node.js / C#") == "node.js c#"
