"""schema.org JobPosting / JDX JobSchema+ reader: every field mapping, every input shape,
bad input, and streaming a large JSON Lines feed."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillmatch.catalog.models import Posting
from skillmatch.errors import InputError
from skillmatch.formats.base import Notes, Rejected
from skillmatch.formats.html_text import html_to_text, ld_json_blocks
from skillmatch.formats.jobposting import looks_like_jobposting, read_jobpostings
from skillmatch.formats.jobposting_regions import region_of

DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "jobposting"


def read(path: Path, notes: Notes | None = None) -> list[Posting | Rejected]:
    return [item for item in read_jobpostings(path, notes=notes)]  # type: ignore[misc]


def one(path: Path, notes: Notes | None = None) -> Posting:
    items = read(path, notes)
    assert len(items) == 1, items
    assert isinstance(items[0], Posting), items[0]
    return items[0]


def write(tmp_path: Path, doc: Any, name: str = "posting.jsonld") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def posting(tmp_path: Path, **fields: Any) -> Posting:
    """A schema.org JobPosting with ``fields`` (a title unless given) read back."""
    doc = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Teacher",
           **fields}
    return one(write(tmp_path, doc))


def rejected(tmp_path: Path, **fields: Any) -> Rejected:
    doc = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Teacher",
           **fields}
    items = read(write(tmp_path, doc))
    assert len(items) == 1 and isinstance(items[0], Rejected), items
    return items[0]


@pytest.fixture(scope="module")
def cte() -> Posting:
    return one(DATA / "cte-health-science-teacher.jsonld")


@pytest.fixture(scope="module")
def maker() -> Posting:
    return one(DATA / "makerspace-coordinator-graph.jsonld")


@pytest.fixture(scope="module")
def nurse() -> Posting:
    return one(DATA / "school-nurse-jdx.jsonld")


@pytest.fixture(scope="module")
def bus() -> Posting:
    return one(DATA / "city-bus-driver.html")


# --- title --------------------------------------------------------------------------------

def test_title(cte: Posting) -> None:
    assert cte.title == "CTE Teacher, Health Science (Medical Careers Pathway)"


def test_title_in_several_languages_prefers_english(maker: Posting) -> None:
    assert maker.title == "Makerspace Coordinator"
    assert maker.meta["translations"]["title"] == {"es": "Coordinador del espacio maker"}


def test_title_falls_back_to_name(tmp_path: Path) -> None:
    doc = {"@context": "https://schema.org", "@type": "JobPosting", "name": "School Counselor",
           "description": "Counsel students."}
    assert one(write(tmp_path, doc)).title == "School Counselor"


def test_jdx_title_language_map(nurse: Posting) -> None:
    assert nurse.title == "School Nurse (RN)"


# --- description --------------------------------------------------------------------------

def test_description_html_stripped_safely(cte: Posting) -> None:
    text = cte.description
    assert "<" not in text and "trackApply" not in text and "tracking" not in text
    assert "color:red" not in text
    assert "anatomy & physiology" in text and "grades 10–12" in text
    assert "Certified Nursing Assistant (CNA)" in text  # &nbsp; is a space
    assert "- Supervise clinical rotations at partner nursing facilities" in text.split("\n")
    assert "What you will do" in text.split("\n")


def test_description_escaped_twice_is_read_as_html(bus: Posting) -> None:
    lines = bus.description.split("\n")
    assert lines[0].startswith("Drive fixed-route city buses")
    assert "- Inspect the bus before each run and report defects" in lines
    assert "&lt;" not in bus.description and "<li>" not in bus.description


def test_equal_opportunity_kept_out_of_the_description(cte: Posting, bus: Posting) -> None:
    assert "Equal Opportunity" not in cte.description
    assert "discriminate" not in cte.description
    assert cte.meta["equal_opportunity"][0].startswith("Tidewater City Public Schools is an "
                                                       "Equal Opportunity Employer")
    assert "EOE" not in bus.description
    assert bus.meta["equal_opportunity"] == ["EOE/M/F/Vet/Disability"]


def test_benefits_section_kept_out_of_the_description(tmp_path: Path) -> None:
    html = ("<p>Teach chemistry to grades 11 and 12.</p><h4>Benefits</h4>"
            "<ul><li>Health and dental plans</li><li>State pension</li></ul>"
            "<h4>Duties</h4><ul><li>Run lab safety drills</li></ul>")
    p = posting(tmp_path, description=html, jobBenefits="Tuition reimbursement")
    assert "pension" not in p.description and "dental" not in p.description
    assert "- Run lab safety drills" in p.description.split("\n")
    assert p.meta["benefits_text"] == ["Benefits", "- Health and dental plans",
                                       "- State pension"]
    assert p.meta["job_benefits"] == "Tuition reimbursement"


def test_description_language_map(maker: Posting) -> None:
    assert maker.description.startswith("Run the district's two makerspaces.\nCo-teach")
    assert maker.meta["translations"]["description"] == {
        "es": "Dirigir los dos espacios maker del distrito."}


def test_job_description_from_a_feed() -> None:
    first = read(DATA / "feed.jsonl")[0]
    assert isinstance(first, Posting)
    assert first.description == ("Support students with disabilities in an inclusive "
                                 "classroom.\nHelp implement IEP goals and collect progress "
                                 "data.")


# --- requirement and responsibility sections ----------------------------------------------

def test_responsibilities_text_becomes_a_section(cte: Posting) -> None:
    assert ("Responsibilities:\n- Maintain lab equipment and supply inventory for the health "
            "science classroom.") in cte.description


def test_responsibilities_list_of_sentences(maker: Posting, nurse: Posting) -> None:
    assert ("Responsibilities:\n- Schedule makerspace sessions for every grade 6-8 class.\n"
            "- Train teachers") in maker.description
    lines = nurse.description.split("\n")
    assert "- Administer prescribed medications and keep medication records." in lines
    assert "- Write individualized health plans for students with chronic conditions." in lines


def test_qualifications_section(cte: Posting, bus: Posting) -> None:
    assert "Qualifications:\n- Current BLS/CPR instructor certification preferred." in \
        cte.description
    assert "Qualifications:\n- A Class B commercial driver's license" in bus.description


def test_education_requirements_credential(cte: Posting) -> None:
    assert ("Education requirements:\n- Bachelor degree\n- A Virginia teaching license with a "
            "Health Occupations endorsement") in cte.description
    assert cte.meta["requirements"]["educationRequirements"][0]["credentialCategory"] == \
        "bachelor degree"


def test_experience_requirements(cte: Posting, tmp_path: Path) -> None:
    assert ("Experience requirements:\n- At least 24 months of experience\n- Clinical "
            "experience as a registered nurse") in cte.description
    p = posting(tmp_path, experienceRequirements="Two years teaching middle school math.")
    assert p.description == ("Experience requirements:\n- Two years teaching middle school "
                             "math.")


# --- employer -----------------------------------------------------------------------------

def test_employer_from_organization(cte: Posting) -> None:
    assert cte.employer == "Tidewater City Public Schools"


def test_employer_as_a_string(bus: Posting) -> None:
    assert bus.employer == "Capital Area Transit Authority"


def test_employer_by_reference_in_graph(maker: Posting) -> None:
    assert maker.employer == "Riverbend Unified School District"
    assert maker.meta["hiring_organization_id"] == \
        "https://www.example.org/districts/riverbend#org"


def test_jdx_employer_legal_name_and_overview(nurse: Posting) -> None:
    assert nurse.employer == "Pinecrest County Schools"
    assert "drug-free" in nurse.meta["employer_overview"]
    assert "drug-free" not in nurse.description


def test_jdx_organization_name(tmp_path: Path) -> None:
    doc = {"@context": "http://jobdataexchange.org/jdxcontext.json", "@type": "JobPosting",
           "schema:title": "Welding Instructor",
           "schema:hiringOrganization": {"@type": "jdx:Organization",
                                         "jdx:organizationName": "Valley Career Center"}}
    p = one(write(tmp_path, doc))
    assert p.employer == "Valley Career Center"
    assert p.meta["standard"] == "JDX JobSchema+"


# --- location -----------------------------------------------------------------------------

def test_single_place(cte: Posting) -> None:
    assert cte.region == "VA-Norfolk"
    assert "regions" not in cte.meta


def test_several_places(maker: Posting) -> None:
    assert maker.region == "NC-Winston-Salem"
    assert maker.meta["regions"] == ["NC-Winston-Salem", "NC-Kernersville"]


def test_address_as_text(bus: Posting) -> None:
    assert bus.region == "VA-Richmond"


def test_state_alone_and_applicant_location(tmp_path: Path) -> None:
    p = posting(tmp_path, jobLocation={"@type": "Place", "address": {
        "@type": "PostalAddress", "addressRegion": "Ohio"}})
    assert p.region == "OH"
    remote = posting(tmp_path, jobLocationType="TELECOMMUTE",
                     applicantLocationRequirements={"@type": "State", "name": "Texas"})
    assert remote.region == "TX"
    assert remote.meta["region_from"] == "applicantLocationRequirements"
    assert remote.meta["job_location_type"] == "TELECOMMUTE"


def test_region_of() -> None:
    assert region_of("va", "Norfolk") == "VA-Norfolk"
    assert region_of("District of Columbia", "Washington") == "DC-Washington"
    assert region_of("", "", "Austin, TX 78701") == "TX-Austin"
    assert region_of("", "", "Remote") == ""
    assert region_of("Baden-Württemberg", "Stuttgart", country="DE") == \
        "Baden Württemberg-Stuttgart"
    assert region_of("", "Toronto", country="CA") == ""


# --- dates, openings ----------------------------------------------------------------------

def test_date_posted(cte: Posting, maker: Posting) -> None:
    assert cte.date_posted == "2025-03-03"  # from a date-time with an offset
    assert maker.date_posted == "2025-02-10"


def test_date_posted_not_a_date(tmp_path: Path) -> None:
    r = rejected(tmp_path, datePosted="March 3rd")
    assert r.field == "datePosted" and "not a date" in r.reason


def test_valid_through_employment_type_salary_in_meta(cte: Posting) -> None:
    assert cte.meta["valid_through"] == "2025-04-15T23:59"
    assert cte.meta["employment_type"] == "FULL_TIME"
    salary = cte.meta["base_salary"]
    assert salary["currency"] == "USD" and salary["value"]["minValue"] == 52000


def test_openings_as_string_and_number(cte: Posting, bus: Posting, maker: Posting) -> None:
    assert cte.openings == 2 and bus.openings == 3 and maker.openings == 1


def test_openings_default(tmp_path: Path) -> None:
    assert posting(tmp_path).openings == 1


@pytest.mark.parametrize("value", ["three", "2.5", "0", "-1", "", True, "1e999", "inf"])
def test_openings_not_a_number(tmp_path: Path, value: Any) -> None:
    r = rejected(tmp_path, totalJobOpenings=value)
    assert r.field == "totalJobOpenings"
    assert "number" in r.reason


# --- occupation ---------------------------------------------------------------------------

def test_occupation_from_category_code(cte: Posting) -> None:
    assert cte.occupation_code == "25-2032.00"
    assert cte.meta["occupational_category"]["codeValue"] == "25-2032.00"


def test_occupation_from_a_list_of_code_strings(maker: Posting, bus: Posting) -> None:
    assert maker.occupation_code == "25-9031.00"
    assert maker.meta["other_occupation_codes"] == ["25-4022.00"]
    assert bus.occupation_code == "53-3052.00"
    assert bus.meta["other_occupation_codes"] == ["53-3051.00"]


def test_occupation_from_jdx_term_code(nurse: Posting) -> None:
    assert nurse.occupation_code == "29-1141.00"


def test_occupation_text_without_a_code(tmp_path: Path) -> None:
    p = posting(tmp_path, occupationalCategory=["Education", "15-1252 Software Developers"])
    assert p.occupation_code == "15-1252"  # a SOC code, resolved through the crosswalks
    assert p.meta["occupational_category"] == ["Education", "15-1252 Software Developers"]


def test_normalized_title_kept(nurse: Posting) -> None:
    assert nurse.meta["normalized_title"] == "Registered Nurse"


# --- skills -------------------------------------------------------------------------------

def test_skills_defined_terms_and_text(cte: Posting) -> None:
    assert cte.skills == [
        "medical terminology",
        "http://data.europa.eu/esco/skill/8c0d4a4e-5b1b-4a70-b1e4-7f5d2b6e1a01",
        "classroom management",
    ]
    assert cte.meta["skill_terms"][1]["name"] == "plan lessons"


def test_skills_text_list_split(maker: Posting) -> None:
    assert maker.skills == ["3D printing", "laser cutting", "basic electronics",
                            "Arduino programming"]


def test_single_defined_term(bus: Posting) -> None:
    assert bus.skills == ["defensive driving"]
    assert bus.meta["skill_terms"][0]["termCode"] == "DD-01"


def test_skills_sentence_not_split(tmp_path: Path) -> None:
    sentence = "Ability to explain lab safety rules clearly to students, parents and staff"
    assert posting(tmp_path, skills=sentence).skills == [sentence]


def test_jdx_competencies_required_and_preferred(nurse: Posting) -> None:
    assert nurse.skills == ["Triage student illnesses and injuries",
                            "Administer medications safely",
                            "Spanish language communication", "Diabetes care management"]
    assert nurse.meta["required_skills"] == ["Triage student illnesses and injuries",
                                             "Administer medications safely"]
    assert nurse.meta["preferred_skills"] == ["Spanish language communication",
                                              "Diabetes care management"]


def test_jdx_benefits_and_unmapped_fields_in_meta(nurse: Posting) -> None:
    assert len(nurse.meta["job_benefits"]) == 2
    assert "holidays" not in nurse.description
    assert nurse.meta["unmapped"] == {"physicalRequirement": {"en-US": "Lift up to 40 pounds."}}


def test_unmapped_fields_reported(tmp_path: Path) -> None:
    notes = Notes()
    p = one(DATA / "cte-health-science-teacher.jsonld", notes)
    assert p.meta["unmapped"] == {"industry": "Education", "workHours": "7:30 AM - 3:30 PM"}
    assert notes.unused_fields == {"industry": 1, "workHours": 1}


# --- id and source ------------------------------------------------------------------------

def test_id_from_identifier(cte: Posting) -> None:
    assert cte.id == "TCPS-2025-0412" and cte.meta["id_from"] == "identifier"


def test_id_from_node_id_and_url(maker: Posting, bus: Posting) -> None:
    assert maker.id == "https://www.example.org/jobs/rusd-884" and maker.meta["id_from"] == "@id"
    assert bus.id == "https://careers.example.org/jobs/bus-operator-trainee-5521"
    assert bus.meta["id_from"] == "url"


def test_id_from_a_relative_id_in_a_feed() -> None:
    first = read(DATA / "feed.jsonl")[0]
    assert isinstance(first, Posting) and first.id == "feed-10001"


def test_id_hash_is_stable(tmp_path: Path) -> None:
    a = posting(tmp_path, hiringOrganization="Eastfield ISD", datePosted="2025-01-01")
    b = posting(tmp_path, hiringOrganization="Eastfield ISD", datePosted="2025-01-01")
    c = posting(tmp_path, hiringOrganization="Westfield ISD", datePosted="2025-01-01")
    assert a.id == b.id != c.id and a.id.startswith("jobposting:")
    assert a.meta["id_from"] == "hash of title, employer and datePosted"


def test_source_in_meta(cte: Posting, bus: Posting) -> None:
    assert cte.meta["source"] == {"format": "jobposting",
                                  "path": str(DATA / "cte-health-science-teacher.jsonld"),
                                  "where": "JobPosting 1"}
    assert bus.meta["source"]["where"] == "script 2"
    assert cte.meta["standard"] == "schema.org JobPosting"


# --- input shapes -------------------------------------------------------------------------

def test_html_page_with_two_ld_json_blocks() -> None:
    notes = Notes()
    items = read(DATA / "city-bus-driver.html", notes)
    assert [type(i) for i in items] == [Posting]
    assert notes.counts == {"ld+json block with no JobPosting": 1}


def test_json_lines_feed_without_context() -> None:
    notes = Notes()
    items = read(DATA / "feed.jsonl", notes)
    assert [p.title for p in items if isinstance(p, Posting)] == [
        "Special Education Paraprofessional", "Cafeteria Manager",
        "After-School Robotics Instructor"]
    first, second, third = items
    assert isinstance(first, Posting) and isinstance(second, Posting)
    assert (first.employer, first.region, first.openings, first.occupation_code) == (
        "Fairview Public Schools", "OH-Columbus", 4, "25-9043.00")
    assert second.description == ("Plan menus that meet USDA school meal patterns & "
                                  "supervise kitchen staff.")
    assert second.meta["regions"] == ["OH-Dublin", "OH-Hilliard"]
    assert second.date_posted == "2025-02-04"
    assert first.meta["source"]["where"] == "line 1"
    assert notes.counts["untyped object read as a JobPosting"] == 3


def test_gzip_feed_reads_the_same() -> None:
    plain = read(DATA / "feed.jsonl")
    zipped = read(DATA / "feed.jsonl.gz")
    strip = [(p.id, p.title, p.description, p.region, p.skills) for p in plain
             if isinstance(p, Posting)]
    assert strip == [(p.id, p.title, p.description, p.region, p.skills) for p in zipped
                     if isinstance(p, Posting)]


def test_json_array_and_item_list(tmp_path: Path) -> None:
    array = [{"@context": "https://schema.org", "@type": "JobPosting", "title": f"Aide {i}"}
             for i in range(3)]
    assert [p.title for p in read(write(tmp_path, array, "a.json"))] == \
        ["Aide 0", "Aide 1", "Aide 2"]
    item_list = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1,
         "item": {"@type": "JobPosting", "title": "Librarian"}},
        {"@type": "ListItem", "position": 2,
         "item": {"@type": "JobPosting", "title": "Custodian"}}]}
    items = read(write(tmp_path, item_list, "list.jsonld"))
    assert [p.title for p in items] == ["Librarian", "Custodian"]
    assert [p.meta["source"]["where"] for p in items] == ["JobPosting 1", "JobPosting 2"]


def test_gzip_document_by_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "posting.json.gz"
    doc = {"@context": "https://schema.org", "@type": "JobPosting", "title": "Registrar"}
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    assert one(path).title == "Registrar"


def test_json_named_file_holding_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"title": "Aide", "jobDescription": "Help."}\n'
                    '{"title": "Tutor", "jobDescription": "Tutor."}\n')
    assert [p.title for p in read(path)] == ["Aide", "Tutor"]


# --- bad input ----------------------------------------------------------------------------

def test_invalid_json_line_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"title": "Aide", "jobDescription": "Help."}\n'
                    '{"title": "Tutor", "jobDescription": \n'
                    '{"title": "Coach", "jobDescription": "Coach."}\n')
    items = read(path)
    assert isinstance(items[1], Rejected)
    assert items[1].where == "line 2" and items[1].path == str(path)
    assert "not valid JSON" in items[1].reason
    assert [p.title for p in items if isinstance(p, Posting)] == ["Aide", "Coach"]


def test_invalid_json_document_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonld"
    path.write_text('{"@context": "https://schema.org",\n "@type": "JobPosting", "title": }')
    with pytest.raises(InputError) as err:
        read(path)
    assert err.value.path == str(path) and err.value.line == 2
    assert "not valid JSON" in str(err.value)


@pytest.mark.parametrize("doc", ["a posting", 42, {"@context": "https://schema.org",
                                                     "@type": "Organization", "name": "X"}])
def test_valid_json_of_the_wrong_shape(tmp_path: Path, doc: Any) -> None:
    with pytest.raises(InputError) as err:
        read(write(tmp_path, doc))
    assert err.value.path == str(tmp_path / "posting.jsonld")


def test_wrong_shape_lines_rejected(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('[1, 2]\n{"@type": "Person", "name": "Pat"}\n{"color": "blue"}\n'
                    '{"title": "Aide", "jobDescription": "Help."}\n')
    items = read(path)
    assert [type(i) for i in items] == [Rejected, Rejected, Rejected, Posting]
    first, person, other = items[:3]
    assert isinstance(first, Rejected) and "got an array" in first.reason
    assert isinstance(person, Rejected) and person.field == "@type"
    assert "'Person', not a JobPosting" in person.reason
    assert isinstance(other, Rejected) and other.where == "line 3"


def test_wrong_shape_items_in_an_array(tmp_path: Path) -> None:
    doc = [7, {"@context": "https://schema.org", "@type": "JobPosting", "title": "Aide"}]
    items = read(write(tmp_path, doc))
    assert isinstance(items[0], Rejected) and items[0].where == "[0]"
    assert isinstance(items[1], Posting)


def test_posting_with_no_title(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"jobDescription": "Drive a school bus.", "datePosted": "2025-01-02"}\n')
    (r,) = read(path)
    assert isinstance(r, Rejected)
    assert (r.where, r.field) == ("line 1", "title")
    assert "missing" in r.reason


def test_deeply_nested_json(tmp_path: Path) -> None:
    nested: Any = "deep"
    for _ in range(200):
        nested = {"x": nested}
    doc = {"@context": "https://schema.org", "@type": "JobPosting", "title": "A",
           "about": nested}
    with pytest.raises(InputError, match="nested"):
        read(write(tmp_path, doc))
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps(doc) + "\n"
                    + '{"title": "Aide", "jobDescription": "Help."}\n')
    items = read(path)
    assert [type(i) for i in items] == [Rejected, Rejected, Posting]
    assert all("nested" in i.reason for i in items[:2] if isinstance(i, Rejected))


def test_deeply_nested_html_description(tmp_path: Path) -> None:
    r = rejected(tmp_path, description="<div>" * 400 + "Teach art." + "</div>" * 400)
    assert r.field == "description" and "nested too deeply" in r.reason


def test_unknown_remote_context(tmp_path: Path) -> None:
    doc = {"@context": "https://example.com/my-context.jsonld", "@type": "JobPosting",
           "title": "Aide"}
    with pytest.raises(InputError) as err:
        read(write(tmp_path, doc))
    assert err.value.field == "@context" and "never fetched" in str(err.value)
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(doc) + "\n")
    (r,) = read(path)
    assert isinstance(r, Rejected) and r.field == "@context"


def test_truncated_gzip_feed(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(
        json.dumps({"title": f"Aide {i}", "jobDescription": "Help students."}).encode()
        + b"\n" for i in range(2000)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    got: list[Any] = []
    with pytest.raises(InputError, match="compressed data ends early"):
        for item in read_jobpostings(path):
            got.append(item)
    assert got and all(isinstance(i, Posting) for i in got)


def test_html_page_without_json_ld(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><body><h1>Jobs</h1></body></html>")
    with pytest.raises(InputError, match="ld\\+json"):
        read(path)


# --- streaming ----------------------------------------------------------------------------

def test_large_feed_streams(tmp_path: Path) -> None:
    """50,000 lines: the first postings arrive while memory stays far below the file's
    size (the reader never holds the file)."""
    path = tmp_path / "big.jsonl"
    line = {"title": "Instructional Aide", "hiringOrganization": {"name": "Metro Schools"},
            "jobLocation": {"address": {"addressLocality": "Tulsa", "addressRegion": "OK"}},
            "jobDescription": "Support small-group reading instruction. " * 8,
            "datePosted": "2025-01-15"}
    with path.open("w") as f:
        for i in range(50_000):
            f.write(json.dumps({"identifier": f"job-{i}", **line}) + "\n")
    size = path.stat().st_size
    assert size > 20_000_000
    tracemalloc.start()
    try:
        stream = read_jobpostings(path)
        first = next(stream)
        got = [first] + [next(stream) for _ in range(199)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        stream.close()
    assert isinstance(first, Posting) and first.id == "job-0"
    assert [p.id for p in got[-2:]] == ["job-198", "job-199"]  # type: ignore[union-attr]
    assert peak < size / 10, (peak, size)


# --- property-based: random and mutated documents -------------------------------------

_KEYS = st.sampled_from([
    "@context", "@type", "@id", "@graph", "@value", "@language", "@list", "title", "name",
    "description", "jobDescription", "hiringOrganization", "jobLocation", "address",
    "addressRegion", "addressLocality", "datePosted", "totalJobOpenings", "numberOfOpenings",
    "occupationalCategory", "codeValue", "skills", "responsibilities", "qualifications",
    "educationRequirements", "experienceRequirements", "identifier", "value", "url",
    "jdx:competency", "schema:title", "en", "es-MX", "x"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=20), st.sampled_from([
                         "JobPosting", "https://schema.org", "Place", "<p>x<li>y", "15-1252.00",
                         "2025-01-01", "VA", "_:b0", "http://schema.org/JobPosting", "3"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)), max_leaves=20)
_DOCS = st.dictionaries(_KEYS, _VALUES, max_size=8)


def _read_all(path: Path) -> None:
    """Reads ``path`` whole: only our records, rejections or InputError may come out."""
    try:
        for item in read_jobpostings(path):
            assert isinstance(item, Posting | Rejected)
            if isinstance(item, Posting):
                assert item.title and item.openings >= 1
                json.dumps(item.meta, default=str)
    except InputError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=st.one_of(_DOCS, _VALUES), as_line=st.booleans())
def test_random_json_never_crashes(tmp_path: Path, doc: Any, as_line: bool) -> None:
    path = tmp_path / ("random.jsonl" if as_line else "random.jsonld")
    path.write_text(json.dumps(doc) + "\n")
    _read_all(path)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(extra=_DOCS, jdx=st.booleans(), as_line=st.booleans())
def test_mutated_postings_never_crash(tmp_path: Path, extra: dict[str, Any], jdx: bool,
                                      as_line: bool) -> None:
    context = "http://jobdataexchange.org/jdxcontext.json" if jdx else "https://schema.org"
    doc = {"@context": context, "@type": "JobPosting", "title": "Aide",
           **{k: v for k, v in extra.items() if k not in ("@context", "@type")}}
    path = tmp_path / ("mutated.jsonl" if as_line else "mutated.jsonld")
    path.write_text(json.dumps(doc) + "\n")
    _read_all(path)


# --- detection and helpers ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["cte-health-science-teacher.jsonld",
                                  "makerspace-coordinator-graph.jsonld",
                                  "school-nurse-jdx.jsonld", "city-bus-driver.html",
                                  "feed.jsonl"])
def test_looks_like_jobposting(name: str) -> None:
    assert looks_like_jobposting((DATA / name).read_text()[:4000])


@pytest.mark.parametrize("head", [
    '{"@context": "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", '
    '"type": ["Achievement"], "name": "CPR"}',
    '{"@context": "https://credreg.net/ctdl/schema/context/json", "@type": '
    '"ceterms:Certificate", "ceterms:name": {"en": "Welding"}}',
    '{"id": "p1", "title": "Nurse", "employer": "Mercy", "region": "VA", '
    '"date_posted": "2025-01-01"}',
])
def test_does_not_look_like_jobposting(head: str) -> None:
    assert not looks_like_jobposting(head)


def test_html_to_text() -> None:
    html = ("<h2>Duties</h2><ol><li>Plan&nbsp;lessons</li><li>Grade work</li></ol>"
            "<noscript>enable js</noscript><p>Line<br>break &#x2014; done</p>")
    assert html_to_text(html) == "Duties\n1. Plan lessons\n2. Grade work\nLine\nbreak — done"
    assert html_to_text("Plain text\n\n\nkept   as written") == "Plain text\n\nkept as written"
    assert html_to_text("grades 3 < 5 & 7 > 6") == "grades 3 < 5 & 7 > 6"


def test_ld_json_blocks_unwraps_comments() -> None:
    page = ('<script type="application/ld+json"><!-- {"a": 1} --></script>'
            '<script type="text/javascript">var x;</script>'
            '<script type="application/ld+json; charset=utf-8">{"b": 2}</script>')
    assert ld_json_blocks(page) == ['{"a": 1}', '{"b": 2}']
