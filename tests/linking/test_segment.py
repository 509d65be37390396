from skillmatch.linking.segment import is_boilerplate, segment

POSTING = """We are a leading provider of home care. Responsibilities:
- Provide patient care, take vital signs and document in the EHR.
- Experience with Microsoft Excel, Word and PowerPoint required.
We are an equal opportunity employer and value diversity."""


def test_offsets_point_into_the_text() -> None:
    for s in segment(POSTING):
        assert POSTING[s.start : s.end] == s.text


def test_boilerplate_is_dropped() -> None:
    texts = [s.text for s in segment(POSTING)]
    assert not any("equal opportunity" in t or "leading provider" in t for t in texts)
    assert is_boilerplate("Competitive salary and benefits package.")
    assert not is_boilerplate("Teach algebra to ninth graders.")


def test_clauses_and_lead_ins() -> None:
    clauses = [s.text for s in segment(POSTING) if s.is_clause]
    assert "take vital signs" in clauses
    assert "Microsoft Excel" in clauses and "Word" in clauses  # list items kept apart
    assert not any(c.lower().startswith("experience with") for c in clauses)
    merged = [s.text for s in segment("Communicate clearly and effectively.") if s.is_clause]
    assert merged == []  # "effectively" alone is a fragment, so no split


def test_empty_and_whitespace() -> None:
    assert segment("") == [] and segment("  \n - \n") == []
