"""CTDL reader: one test per field mapping, bulk graphs, the hours rule, bad input."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillmatch.catalog.models import CREDENTIAL_TYPES, Credential
from skillmatch.errors import InputError
from skillmatch.formats.base import Notes, Rejected
from skillmatch.formats.ctdl import (
    CE,
    CLASSES,
    credential_type,
    duration_hours,
    looks_like_ctdl,
    read_ctdl,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "ctdl"
CONTEXT = "https://credreg.net/ctdl/schema/context/json"
ESCO = "http://data.europa.eu/esco/skill/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the CTDL reader tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def read(path: Path) -> tuple[list[Credential], list[Rejected], Notes]:
    notes = Notes()
    items = list(read_ctdl(path, notes=notes))
    creds = [i for i in items if isinstance(i, Credential)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(creds) + len(rejected) == len(items)
    return creds, rejected, notes


def one(path: Path) -> Credential:
    creds, rejected, _ = read(path)
    assert not rejected, rejected
    assert len(creds) == 1
    return creds[0]


def record(**fields: Any) -> dict[str, Any]:
    return {"@context": CONTEXT, "@type": "ceterms:Certificate",
            "ceterms:ctid": "ce-00000000-0000-4000-8000-00000000abcd",
            "ceterms:name": {"en-US": "Lesson Planning Certificate"}, **fields}


def write(tmp_path: Path, doc: Any, name: str = "record.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def from_doc(tmp_path: Path, **fields: Any) -> Credential:
    return one(write(tmp_path, record(**fields)))


@pytest.fixture(scope="module")
def welding() -> Credential:
    return one(DATA / "welding-certification.json")


@pytest.fixture(scope="module")
def bulk() -> tuple[list[Credential], list[Rejected], Notes]:
    return read(DATA / "bulk-graph.json")


# --- field mappings --------------------------------------------------------------------


def test_ctid_is_the_record_id_and_the_registry_uri_is_kept(welding: Credential) -> None:
    assert welding.id == "ce-5b0e7c1a-9d2f-4e8b-a6c3-1f4d2e7b9a01"
    assert welding.meta["id"] == ("https://credentialengineregistry.org/resources/"
                                  "ce-5b0e7c1a-9d2f-4e8b-a6c3-1f4d2e7b9a01")


def test_at_id_is_the_record_id_without_a_ctid(tmp_path: Path) -> None:
    doc = record(**{"@id": "https://registry.example/resources/x1"})
    del doc["ceterms:ctid"]
    assert one(write(tmp_path, doc)).id == "https://registry.example/resources/x1"


def test_name_from_a_language_map(welding: Credential) -> None:
    assert welding.title == "CTE Structural Welding Certification (SMAW and GMAW)"


def test_name_as_plain_text_where_a_language_map_is_allowed() -> None:
    creds, _, _ = read(DATA / "records.jsonl")
    assert creds[1].title == "Registered Teacher Apprenticeship"


def test_description_html_is_plain_text(welding: Credential) -> None:
    assert welding.description == (
        "Juniors and seniors in the Lakeshore Career Center welding pathway learn shielded "
        "metal arc and gas metal arc welding on plate and pipe, blueprint reading and shop "
        "safety.\nGraduates sit the district's industry-recognized bend test.")


def test_spanish_and_english_read_english_and_keep_both() -> None:
    cred = one(DATA / "microcredential-es-en.json")
    assert cred.title == "Bilingual Elementary Science Teaching"
    assert cred.description.startswith("An online microcredential")
    assert cred.meta["names"]["es"] == "Enseñanza bilingüe de ciencias en primaria"
    assert set(cred.meta["descriptions"]) == {"es", "en-us"}
    assert cred.meta["keywords"] == ["dual language", "science"]


def test_spanish_only_reads_spanish(tmp_path: Path) -> None:
    cred = from_doc(tmp_path, **{"ceterms:name": {"es": "Soldadura básica"}})
    assert cred.title == "Soldadura básica"


@pytest.mark.parametrize(("cls", "ours"), [
    ("Certificate", "certificate"), ("Certification", "certification"), ("Badge", "badge"),
    ("DigitalBadge", "badge"), ("OpenBadge", "badge"), ("MicroCredential", "badge"),
    ("AssociateDegree", "degree"), ("BachelorDegree", "degree"), ("MasterDegree", "degree"),
    ("DoctoralDegree", "degree"), ("AssociateOfAppliedScienceDegree", "degree"),
    ("ResearchDoctorate", "degree"), ("Diploma", "degree"), ("SecondarySchoolDiploma", "degree"),
    ("License", "license"), ("ApprenticeshipCertificate", "apprenticeship"),
    ("JourneymanCertificate", "apprenticeship"), ("Course", "course"),
    ("LearningProgram", "program"), ("QualityAssuranceCredential", "other"),
])
def test_credential_classes_map_to_our_types(tmp_path: Path, cls: str, ours: str) -> None:
    cred = from_doc(tmp_path, **{"@type": f"ceterms:{cls}"})
    assert cred.type == ours and cred.meta["original_type"] == cls


def test_every_mapped_class_is_one_of_our_types() -> None:
    assert set(CLASSES.values()) <= set(CREDENTIAL_TYPES)


def test_unknown_credential_class_is_other_kept_and_counted(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    creds, _, notes = bulk
    other = next(c for c in creds if c.id == "ce-99999999-0000-4000-8000-000000000004")
    assert other.type == "other"
    assert other.meta["original_type"] == "TeacherLeadershipCredential"
    assert notes.counts["type other"] == 1


def test_organizations_and_profiles_are_not_records() -> None:
    assert credential_type(CE + "CredentialOrganization") is None
    assert credential_type(CE + "ConditionProfile") is None
    assert credential_type("https://schema.org/Certificate") is None


def test_owner_id_is_the_provider_when_the_document_lacks_the_organization(
        welding: Credential) -> None:
    assert welding.provider == ("https://credentialengineregistry.org/resources/"
                                "ce-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")


def test_owner_and_offerer_names_come_from_the_graph(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    creds, _, _ = bulk
    para = next(c for c in creds if c.title.startswith("Paraprofessional"))
    assert para.provider == "Gulf Coast Community College"
    assert para.meta["owned_by"] == ["Gulf Coast Community College"]
    # the offerer is only in a nested graph further on
    assert para.meta["offered_by"] == ["Region 5 Education Service Center"]
    degree = next(c for c in creds if c.type == "degree")
    assert degree.provider == "Region 5 Education Service Center"


def test_cost_profiles_of_one_profile_are_summed(welding: Credential) -> None:
    assert welding.cost == 1725.5  # 1450 tuition + "275.50" consumables, USD
    assert welding.meta["costs"][0] == {
        "name": "Program costs", "currency": "USD", "total": 1725.5,
        "items": [{"type": "Tuition", "price": 1450.0},
                  {"type": "Consumables and PPE", "price": 275.5}]}
    assert welding.meta["costs"][1]["total"] == 0.0  # the in-district profile, kept


def test_free_is_zero_and_no_cost_is_unknown(tmp_path: Path) -> None:
    assert one(DATA / "microcredential-es-en.json").cost == 0.0
    assert from_doc(tmp_path).cost is None


def test_cost_in_another_currency_is_unknown_and_counted(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    creds, _, notes = bulk
    cad = next(c for c in creds if c.id.endswith("000000000004"))
    assert cad.cost is None and cad.meta["costs"][0]["currency"] == "CAD"
    assert notes.counts["cost not in USD"] == 1


def test_price_with_a_dollar_sign_and_commas(tmp_path: Path) -> None:
    cred = from_doc(tmp_path, **{"ceterms:estimatedCost": {
        "@type": "ceterms:CostProfile", "ceterms:price": "$1,250.00", "ceterms:currency": "USD"}})
    assert cred.cost == 1250.0


def test_a_duration_in_weeks_is_a_length_not_hours(welding: Credential) -> None:
    assert welding.hours is None
    assert welding.meta["weeks"] == 36
    assert welding.meta["durations"] == [{"exactDuration": "P36W",
                                          "description": "Two semesters, one class period "
                                                         "a day"}]


def test_minimum_and_maximum_clock_hours_give_the_low_end_and_the_range() -> None:
    cred = one(DATA / "microcredential-es-en.json")
    assert cred.hours == 20.0
    assert cred.meta["hours_range"] == [20.0, 30.0]


def test_months_and_years_are_lengths_in_weeks(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    para, degree = bulk[0][0], bulk[0][1]
    assert para.hours is None and para.meta["weeks"] == pytest.approx(26.0)  # P6M
    assert degree.hours is None and degree.meta["weeks"] == 208.0  # P4Y


def test_an_exact_duration_in_hours(tmp_path: Path) -> None:
    cred = from_doc(tmp_path, **{"ceterms:estimatedDuration": [
        {"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "PT40H"},
        {"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "P6W"}]})
    assert cred.hours == 40.0 and "weeks" not in cred.meta
    assert len(cred.meta["durations"]) == 2


@pytest.mark.parametrize(("text", "hours", "weeks"), [
    ("PT40H", 40.0, None), ("PT90M", 1.5, None), ("PT1H30M", 1.5, None),
    ("PT0,5H", 0.5, None), ("P6W", None, 6.0), ("P5D", None, 5 / 7), ("P6M", None, 26.0),
    ("P1Y", None, 52.0), ("P2DT4H", None, 2 / 7), ("P0.5Y", None, 26.0),
])
def test_the_hours_rule(text: str, hours: float | None, weeks: float | None) -> None:
    span = duration_hours(text)
    assert span.hours == (pytest.approx(hours) if hours is not None else None)
    assert span.weeks == (pytest.approx(weeks) if weeks is not None else None)


def test_a_bad_duration_is_an_input_error_naming_the_field() -> None:
    with pytest.raises(InputError) as err:
        duration_hours("ten days", "ceterms:exactDuration")
    assert err.value.field == "ceterms:exactDuration"


def test_occupation_types_onet_and_soc_codes(welding: Credential) -> None:
    assert welding.occupation_codes == ["51-4121.06", "51-4122.00"]
    assert welding.meta["occupations_other"] == [{
        "name": "Welders and flamecutters", "code": "7212", "framework_name": "ISCO-08"}]


def test_industry_types_are_kept_as_naics(welding: Credential) -> None:
    assert welding.meta["naics"] == [{"name": "Fabricated Structural Metal Manufacturing",
                                      "code": "332312", "framework_name": "NAICS"}]


def test_instructional_program_types_are_kept_as_cip(welding: Credential) -> None:
    assert welding.meta["cip"][0]["code"] == "48.0508"


def test_required_competencies_are_declared_skills(welding: Credential) -> None:
    assert welding.skills[:2] == [ESCO + "60ff3eac-7d4d-4e51-87b8-74c3b5d62498",
                                  "Read welding symbols on shop drawings"]
    assert welding.meta["conditions"][0]["name"] == "Bend test"


def test_taught_competencies_are_declared_skills(welding: Credential) -> None:
    assert welding.skills[2] == ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"


def test_recommended_competencies_are_declared_and_marked(welding: Credential) -> None:
    assert welding.skills[3] == "solve linear equations"
    assert welding.meta["recommended_skills"] == ["solve linear equations"]


def test_competency_held_in_the_graph_reads_as_its_text(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    degree = next(c for c in bulk[0] if c.type == "degree")
    assert degree.skills == ["Plan explicit phonics instruction for early readers"]


def test_learning_program_teaches(bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    program = next(c for c in bulk[0] if c.type == "program")
    assert program.skills == ["teach Python programming"]


def test_delivery_type_in_person_and_region_from_the_address(welding: Credential) -> None:
    assert welding.delivery == "in person"
    assert welding.region == "TX"


def test_available_online_is_online() -> None:
    cred = one(DATA / "microcredential-es-en.json")
    assert cred.delivery == "online"
    assert cred.meta["online_at"] == ["https://aprende.educators.example/bilingual-science"]


def test_online_and_at_a_place_is_hybrid(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    program = next(c for c in bulk[0] if c.type == "program")
    assert (program.delivery, program.region) == ("hybrid", "Louisiana")


@pytest.mark.parametrize(("node", "mode"), [
    ("deliveryType:OnlineOnly", "online"), ("deliveryType:BlendedDelivery", "hybrid"),
    ("deliveryType:InPerson", "in person")])
def test_learning_delivery_type(tmp_path: Path, node: str, mode: str) -> None:
    cred = from_doc(tmp_path, **{"ceterms:learningDeliveryType": [
        {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": node}]})
    assert cred.delivery == mode


def test_keywords_subjects_status_and_level(welding: Credential) -> None:
    assert welding.meta["keywords"] == ["welding", "SMAW", "GMAW",
                                        "career and technical education"]
    assert welding.meta["subjects"] == ["Manufacturing"]
    assert welding.meta["status"] == ["Active"]
    assert welding.level == "Secondary Level"


def test_subject_webpage_is_the_url(welding: Credential) -> None:
    assert welding.url == "https://cte.lakeshore-isd.example/programs/welding"


def test_fields_we_do_not_map_are_kept_and_counted() -> None:
    notes = Notes()
    cred = next(r for r in read_ctdl(DATA / "welding-certification.json", notes=notes))
    assert isinstance(cred, Credential)
    assert cred.meta["unmapped"] == {"dateEffective": "2024-08-15"}
    assert notes.unused_fields == {"dateEffective": 1}


def test_missing_optional_fields_leave_defaults(tmp_path: Path) -> None:
    cred = from_doc(tmp_path)
    assert (cred.provider, cred.description, cred.skills, cred.delivery, cred.url) == (
        "", "", [], "", "")
    assert cred.hours is None and cred.cost is None and cred.occupation_codes == []


def test_source_names_the_record(welding: Credential) -> None:
    assert welding.meta["source"] == {"format": "ctdl",
                                      "path": str(DATA / "welding-certification.json"),
                                      "where": "ce-5b0e7c1a-9d2f-4e8b-a6c3-1f4d2e7b9a01"}


# --- bulk documents --------------------------------------------------------------------


def test_bulk_graph_reads_every_credential_nested_graphs_too(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    creds, _, notes = bulk
    assert [c.id for c in creds] == [
        "ce-cccccccc-0000-4000-8000-000000000001", "ce-dddddddd-0000-4000-8000-000000000001",
        "ce-ffffffff-0000-4000-8000-000000000001", "ce-99999999-0000-4000-8000-000000000004"]
    degree = creds[1]
    assert degree.meta["source"]["where"] == ("@graph[2] @graph[1] "
                                              "ce-dddddddd-0000-4000-8000-000000000001")
    assert notes.counts["skipped CredentialOrganization"] == 2
    assert notes.counts["skipped Competency"] == 1


def test_bulk_graph_rejects_bad_records_and_goes_on(
        bulk: tuple[list[Credential], list[Rejected], Notes]) -> None:
    _, rejected, _ = bulk
    path = str(DATA / "bulk-graph.json")
    assert [(r.path, r.where, r.field) for r in rejected] == [
        (path, "@graph[8]", "@graph"),
        (path, "@graph[4] ce-99999999-0000-4000-8000-000000000001", "ceterms:name"),
        (path, "@graph[5] ce-99999999-0000-4000-8000-000000000002",
         "ceterms:estimatedDuration.ceterms:exactDuration"),
        (path, "@graph[6] ce-99999999-0000-4000-8000-000000000003",
         "ceterms:estimatedCost.ceterms:price"),
    ]
    assert "'6 weeks' is not an ISO 8601 duration" in rejected[2].reason
    assert "'call for pricing' is not a price" in rejected[3].reason


def test_json_lines_of_records() -> None:
    creds, rejected, notes = read(DATA / "records.jsonl")
    assert [(c.type, c.meta["source"]["where"].split()[0:2]) for c in creds] == [
        ("license", ["line", "1"]), ("apprenticeship", ["line", "2"])]
    assert creds[0].cost == 77.0 and creds[1].meta["weeks"] == 104
    assert [(r.where, r.field) for r in rejected] == [("line 4", "@context"),
                                                      ("line 5", "@context")]
    assert notes.counts["skipped CredentialOrganization"] == 1


def test_a_json_array_of_records(tmp_path: Path) -> None:
    second = record(**{"ceterms:ctid": "ce-2", "@type": "ceterms:Badge"})
    creds, _, _ = read(write(tmp_path, [record(), second]))
    assert [(c.id, c.meta["source"]["where"]) for c in creds] == [
        ("ce-00000000-0000-4000-8000-00000000abcd", "[0] ce-00000000-0000-4000-8000-00000000abcd"),
        ("ce-2", "[1] ce-2")]


def test_a_graph_element_with_its_own_context(tmp_path: Path) -> None:
    inner = record()
    doc = {"@context": CONTEXT, "@graph": [{"@context": {"ex": "https://ex.example/"},
                                           "@graph": [dict(inner, **{"ex:note": "x"})]}]}
    creds, rejected, _ = read(write(tmp_path, doc))
    assert not rejected and creds[0].meta["unmapped"] == {"note": "x"}


# --- bad input -------------------------------------------------------------------------


def test_invalid_json_is_rejected_naming_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "@context": "' + CONTEXT + '",\n  "@type": ceterms:Badge\n}')
    _, rejected, _ = read(path)
    assert [(r.path, r.where) for r in rejected] == [(str(path), "line 3")]
    assert "invalid JSON" in rejected[0].reason


@pytest.mark.parametrize("doc", ["42", "[1, \"x\"]", "\"text\"", "true"])
def test_valid_json_of_the_wrong_shape_is_rejected(tmp_path: Path, doc: str) -> None:
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected and all("expected a JSON object" in r.reason for r in rejected)


def test_a_node_of_a_foreign_type_is_rejected_naming_its_type(tmp_path: Path) -> None:
    doc = {"@context": [CONTEXT, "https://schema.org"], "@type": "Course", "name": "x"}
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "@type" and "got Course" in rejected[0].reason


def test_record_with_no_name_is_rejected(tmp_path: Path) -> None:
    doc = record()
    del doc["ceterms:name"]
    _, rejected, _ = read(write(tmp_path, doc))
    assert (rejected[0].where, rejected[0].field) == (
        "ce-00000000-0000-4000-8000-00000000abcd", "ceterms:name")


@pytest.mark.parametrize("bad", ["six weeks", "P", "PT-5H", "-P1W", "P1W2X"])
def test_malformed_duration_is_rejected_naming_the_field(tmp_path: Path, bad: str) -> None:
    doc = record(**{"ceterms:estimatedDuration": {"@type": "ceterms:DurationProfile",
                                                  "ceterms:minimumDuration": bad}})
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "ceterms:estimatedDuration.ceterms:minimumDuration"


@pytest.mark.parametrize("bad", ["free?", "-20", True, "1.2.3"])
def test_malformed_cost_is_rejected_naming_the_field(tmp_path: Path, bad: Any) -> None:
    doc = record(**{"ceterms:estimatedCost": {"@type": "ceterms:CostProfile",
                                              "ceterms:price": bad}})
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "ceterms:estimatedCost.ceterms:price"


def test_unknown_remote_context_is_rejected_not_fetched(tmp_path: Path) -> None:
    doc = record(**{"@context": [CONTEXT, "https://ctdl.vendor.example/extra.jsonld"]})
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "@context" and "ctdl.vendor.example" in rejected[0].reason


def test_deeply_nested_json_is_rejected(tmp_path: Path) -> None:
    text = json.dumps(record(**{"ceterms:x": "HOLE"}))
    nested = '{"a": ' * 3000 + "1" + "}" * 3000
    _, rejected, _ = read(write(tmp_path, text.replace('"HOLE"', nested)))
    assert rejected and "nested" in rejected[0].reason
    text = json.dumps(record(**{"ceterms:x": "HOLE"}))
    nested = '{"a": ' * 100 + "1" + "}" * 100
    _, rejected, _ = read(write(tmp_path, text.replace('"HOLE"', nested), "b.json"))
    assert rejected and "nested deeper than" in rejected[0].reason


def test_empty_graph_yields_nothing(tmp_path: Path) -> None:
    creds, rejected, _ = read(write(tmp_path, {"@context": CONTEXT, "@graph": []}))
    assert creds == [] and rejected == []


def test_detector() -> None:
    assert looks_like_ctdl((DATA / "welding-certification.json").read_bytes()[:4096])
    assert looks_like_ctdl((DATA / "records.jsonl").read_text()[:2048])
    assert not looks_like_ctdl(b'{"@context": "https://w3id.org/openbadges/v2"}')
    assert not looks_like_ctdl(b'{"alignment": [{"targetType": "ceterms:Credential"}]}')
    assert looks_like_ctdl(b'[{"@type": "ceterms:Badge", "ceterms:name": "x"')
    ob = DATA.parent / "openbadges"
    assert not any(looks_like_ctdl(p.read_bytes()[:4096]) for p in ob.glob("*.json"))


# --- property: any document, any mutation: records or rejections, never a crash --------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=12)


def _mutate(doc: Any, path: list[int], value: Any) -> Any:
    """Replace the node that ``path`` picks (indexes into keys/items) with ``value``."""
    if not path or not isinstance(doc, dict | list) or not doc:
        return value
    if isinstance(doc, dict):
        key = list(doc)[path[0] % len(doc)]
        return {**doc, key: _mutate(doc[key], path[1:], value)}
    i = path[0] % len(doc)
    return [*doc[:i], _mutate(doc[i], path[1:], value), *doc[i + 1:]]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=5),
       value=json_values)
def test_mutated_documents_never_crash(tmp_path: Path, path: list[int], value: Any) -> None:
    for name in ("welding-certification.json", "bulk-graph.json"):
        doc = _mutate(json.loads((DATA / name).read_text()), path, value)
        target = write(tmp_path, doc, "mutated.json")
        for item in read_ctdl(target):
            assert isinstance(item, Credential | Rejected)


def test_round_trip_of_exported_competencies(tmp_path: Path) -> None:
    export = pytest.importorskip("skillmatch.formats.export",
                                 reason="the CTDL exporter is not written yet")
    skills = [
        {"id": ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc", "label": "use welding equipment",
         "taxonomy": "esco", "score": 1.0},
        {"id": "tech:Autodesk AutoCAD", "label": "Autodesk AutoCAD", "taxonomy": "onet",
         "score": 0.8},
    ]
    aligns = export.ctdl_alignments({"id": "c1", "skills": skills})
    for kind in ("certificate", "course"):
        doc = record(**export.ctdl_competencies(kind, aligns))
        cred = one(write(tmp_path, doc, f"{kind}.json"))
        assert cred.skills == [s["id"] for s in skills]


def test_html_nested_too_deeply_rejects_the_record_naming_the_field(tmp_path: Path) -> None:
    html = "<div>" * 400 + "text" + "</div>" * 400
    _, rejected, _ = read(write(tmp_path, record(**{"ceterms:description": {"en": html}})))
    assert [r.field for r in rejected] == ["ceterms:description"]
