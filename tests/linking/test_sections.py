"""Section, field-line and title rules of whole documents (linking/sections.py)."""

from skillmatch.linking.document import TitleMatcher, is_acronym
from skillmatch.linking.sections import classify_lines, heading_section
from skillmatch.linking.segment import segment

POSTING = """Lube Technician-Norfolk
Date posted: 2024-05-02
Location: Pentagon
Job type:
Full-time
Responsibilities:
Change engine oil and filters on fleet vehicles.
Reports to: Shop manager
Requirements
- Valid commercial driver's license
- Basic knowledge of hydraulic systems
Benefits
Disability coverage, life insurance and a 401k match.
Paid holidays
About Us
We are a leading fleet services company founded in 1982.
Equal Opportunity Employer
All qualified applicants will receive consideration."""


def kinds(text: str) -> dict[str, str]:
    return {text[a:b]: k for a, b, k in classify_lines(text)}


def test_lines_are_classified_by_structure() -> None:
    k = kinds(POSTING)
    assert k["Lube Technician-Norfolk"] == "title"
    assert k["Date posted: 2024-05-02"] == "field"
    assert k["Location: Pentagon"] == "field"
    assert k["Job type:"] == "field" and k["Full-time"] == "field"
    assert k["Reports to: Shop manager"] == "field"
    assert k["Change engine oil and filters on fleet vehicles."] == "content"
    assert k["- Valid commercial driver's license"] == "content"
    assert k["Disability coverage, life insurance and a 401k match."] == "benefits"
    assert k["Paid holidays"] == "benefits"
    assert k["We are a leading fleet services company founded in 1982."] == "company"
    assert k["All qualified applicants will receive consideration."] == "legal"


def test_skill_statements_are_not_headings() -> None:
    for line in ("Experience in DevOps", "Project management experience", "- Node.js",
                 "Excited about domain-driven design", "Package management"):
        assert heading_section(line) is None, line
    assert heading_section("Key responsibilities") == "content"
    assert heading_section("What we offer:") == "benefits"
    assert heading_section("ABOUT THE ROLE") == "content"


def test_segment_skips_what_is_not_content() -> None:
    segs = segment(POSTING, sections=True)
    texts = [s.text for s in segs if not s.is_clause]
    assert "Change engine oil and filters on fleet vehicles" in texts
    assert "Valid commercial driver's license" in texts
    assert not any("Disability" in t or "Pentagon" in t or "Date posted" in t
                   or "Shop manager" in t for t in texts)
    assert [s.kind for s in segs if s.text.startswith("Lube")] == ["title"]
    # without the rules every line is linked, as before
    assert any("Pentagon" in s.text for s in segment(POSTING))


def test_a_single_sentence_is_never_a_title() -> None:
    segs = segment("Provide patient care and take vital signs", sections=True)
    assert segs and all(s.kind == "content" for s in segs)


def test_title_matcher_reads_seniority_brackets_and_places() -> None:
    m = TitleMatcher().fit([("onet", "49-3023.00", "Automotive Technicians",
                             "Lube Technician"),
                            ("esco", "x", "network engineer", "network engineer")])
    assert m.match("Lube Technician-Norfolk") == ("onet", "49-3023.00",
                                                  "Automotive Technicians")
    assert m.match("Senior Network Engineer (m/f/d)") == ("esco", "x", "network engineer")
    assert m.match("Network Engineer - Richmond, VA") is not None
    assert m.match("Introduction to SQL") is None


def test_acronyms() -> None:
    assert is_acronym("CNC") and is_acronym("HTML5") and is_acronym("CPR")
    assert not is_acronym("Python") and not is_acronym("cnc") and not is_acronym("C")
