"""Open Badges 3.0 / 2.0 reader: one test per field mapping, signed badges, bad input."""

from __future__ import annotations

import base64
import copy
import json
import socket
from pathlib import Path
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillmatch.catalog.models import CREDENTIAL_TYPES, Credential
from skillmatch.errors import InputError
from skillmatch.formats.base import Notes, Rejected
from skillmatch.formats.openbadges import (
    ACHIEVEMENT_TYPES,
    looks_like_openbadges,
    occupation_code,
    read_openbadges,
    skill_code,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "formats" / "openbadges"
ESCO = "http://data.europa.eu/esco/skill/"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2 = "https://www.w3.org/ns/credentials/v2"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Open Badges reader tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def read(path: Path, **kwargs: Any) -> tuple[list[Credential], list[Rejected], Notes]:
    notes = Notes()
    items = list(read_openbadges(path, notes=notes, **kwargs))
    creds = [i for i in items if isinstance(i, Credential)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(creds) + len(rejected) == len(items)
    return creds, rejected, notes


def one(path: Path, **kwargs: Any) -> Credential:
    creds, rejected, _ = read(path, **kwargs)
    assert not rejected, rejected
    assert len(creds) == 1
    return creds[0]


def write(tmp_path: Path, doc: Any, name: str = "badge.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def achievement(**fields: Any) -> dict[str, Any]:
    return {"@context": OB3, "id": "https://pd.example/a/x", "type": ["Achievement"],
            "name": "Lesson Study Facilitator", **fields}


@pytest.fixture(scope="module")
def maker() -> Credential:
    return one(DATA / "maker-educator-ob3.json")


# --- OB 3.0 field mappings -------------------------------------------------------------


def test_record_id_is_the_achievement_id(maker: Credential) -> None:
    assert maker.id == "https://badges.riverbend-usd.example/achievements/maker-educator"
    assert maker.url == maker.id


def test_name_maps_to_title(maker: Credential) -> None:
    assert maker.title == "Maker Education Facilitator"


def test_description_html_is_plain_text_without_scripts(maker: Credential) -> None:
    assert maker.description.startswith("Teachers who hold this badge plan and run "
                                        "design-and-build units")
    assert "safety routines & student reflection" in maker.description
    assert "K\u201312 teachers" in maker.description
    assert "<" not in maker.description and "tracking pixel" not in maker.description


def test_criteria_narrative_follows_the_description_and_is_kept(maker: Credential) -> None:
    narrative = ("Complete the 30-hour summer institute, co-teach two makerspace lessons "
                 "observed by a coach, and submit a unit plan that uses the engineering "
                 "design process.")
    assert maker.description.endswith(narrative)
    assert maker.meta["criteria"] == {"narrative": narrative}


def test_criteria_id_is_kept_and_is_the_url_when_the_id_is_not_a_web_address() -> None:
    cred = one(DATA / "cte-welding-achievement.json")
    assert cred.id == "urn:uuid:8d3e6f41-2a7c-4b9e-b1d0-5c6a7e8f9012"
    assert cred.meta["criteria"]["id"] == "https://cte.lakeshore-isd.example/welding/level-1"
    assert cred.url == "https://cte.lakeshore-isd.example/welding/level-1"


def test_achievement_type_maps_to_our_types(maker: Credential) -> None:
    assert maker.type == "badge"
    assert maker.meta["original_type"] == "Badge"
    assert one(DATA / "cte-welding-achievement.json").type == "certification"


@pytest.mark.parametrize(("raw", "ours"), [
    ("Certificate", "certificate"), ("Certification", "certification"), ("Badge", "badge"),
    ("MicroCredential", "badge"), ("Course", "course"), ("License", "license"),
    ("ApprenticeshipCertificate", "apprenticeship"), ("BachelorDegree", "degree"),
    ("AssociateDegree", "degree"), ("Diploma", "degree"), ("LearningProgram", "program"),
    ("Assessment", "other"),
])
def test_achievement_type_table(tmp_path: Path, raw: str, ours: str) -> None:
    cred = one(write(tmp_path, achievement(achievementType=raw)))
    assert cred.type == ours
    assert cred.meta["original_type"] == raw


def test_every_mapped_type_is_one_of_ours() -> None:
    assert set(ACHIEVEMENT_TYPES.values()) <= set(CREDENTIAL_TYPES)


def test_unknown_achievement_type_is_other_with_the_original_kept_and_counted(
        tmp_path: Path) -> None:
    creds, _, notes = read(write(tmp_path, achievement(achievementType="ext:TeacherLeader")))
    assert creds[0].type == "other"
    assert creds[0].meta["original_type"] == "ext:TeacherLeader"
    assert notes.counts["type other"] == 1


def test_missing_achievement_type_is_a_badge(tmp_path: Path) -> None:
    cred = one(write(tmp_path, achievement()))
    assert cred.type == "badge"
    assert "original_type" not in cred.meta


def test_esco_alignments_are_declared_skills_by_uri(maker: Credential) -> None:
    assert maker.skills[:3] == [
        ESCO + "20f57a7f-b90e-4403-8c77-5ddd89b5835b",  # targetUrl, http
        ESCO + "2afb2b59-c9a3-4cf3-b1dd-1a2fad51e583",  # targetUrl, https: stored as http
        ESCO + "b34e2ba1-9080-48c9-9b42-ee9192a4d3f1",  # a UUID targetCode under ESCO
    ]


def test_other_alignments_are_declared_as_their_target_name(maker: Credential) -> None:
    assert maker.skills[3] == ("Facilitate student use of the engineering design process "
                               "to solve authentic problems")
    assert len(maker.skills) == 4


def test_onet_soc_alignment_is_an_occupation_code(maker: Credential) -> None:
    assert maker.occupation_codes == ["25-2031.00"]


def test_every_alignment_is_kept_in_meta(maker: Credential) -> None:
    aligns = maker.meta["alignments"]
    assert len(aligns) == 5
    assert aligns[3] == {
        "name": "Facilitate student use of the engineering design process to solve "
                "authentic problems",
        "url": "https://standards.example.org/iste/educators/5b", "code": "ISTE-E 5b",
        "framework": "ISTE Standards for Educators", "type": "CFItem"}


def test_onet_technology_code_is_a_declared_skill(tmp_path: Path) -> None:
    doc = achievement(alignment=[{"type": ["Alignment"], "targetName": "Autodesk Fusion 360",
                                  "targetCode": "tech:Autodesk Fusion 360",
                                  "targetFramework": "O*NET"}])
    assert one(write(tmp_path, doc)).skills == ["tech:Autodesk Fusion 360"]


def test_alignment_without_its_type_is_still_read(tmp_path: Path) -> None:
    doc = achievement(alignment=[{"targetName": "plan lessons",
                                  "targetUrl": ESCO + "20f57a7f-b90e-4403-8c77-5ddd89b5835b"}])
    assert one(write(tmp_path, doc)).skills == [ESCO + "20f57a7f-b90e-4403-8c77-5ddd89b5835b"]


def test_a_single_alignment_and_a_single_tag_where_lists_are_allowed() -> None:
    cred = one(DATA / "cte-welding-achievement.json")
    assert cred.skills == [ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"]
    assert cred.meta["tags"] == ["welding"]


def test_tags_are_kept(maker: Credential) -> None:
    assert maker.meta["tags"] == ["makerspace", "STEM", "teacher PD", "engineering design"]


def test_result_descriptions_are_kept(maker: Credential) -> None:
    assert maker.meta["result_descriptions"] == ["Coach observation rubric"]


def test_creator_name_is_the_provider(maker: Credential) -> None:
    assert maker.provider == "Riverbend STEM Center"


def test_issuer_is_the_provider_when_there_is_no_creator(tmp_path: Path) -> None:
    doc = json.loads((DATA / "maker-educator-ob3.json").read_text())
    del doc["credentialSubject"]["achievement"]["creator"]
    cred = one(write(tmp_path, doc))
    assert cred.provider == "Riverbend Unified School District, Professional Learning Office"


def test_issuer_given_only_by_id_is_the_provider() -> None:
    cred = one(DATA / "stem-microcredential-vc1.json")
    assert cred.provider == "https://stem-academy.example/issuer"


def test_credits_field_of_study_human_code(maker: Credential) -> None:
    assert maker.meta["credits"] == 3.0
    assert maker.meta["field_of_study"] == "Technology and Engineering Education"
    assert maker.meta["human_code"] == "PD-MAKER-101"


def test_the_wrapping_credential_is_kept_in_meta(maker: Credential) -> None:
    assert maker.meta["credential"] == {
        "id": "https://badges.riverbend-usd.example/credentials/"
              "5f2a9c1e-3b7d-4e61-9a0f-2c8d7e4b1a90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Maker Education Facilitator, awarded to J. Alvarez",
        "issuer": "Riverbend Unified School District, Professional Learning Office",
        "valid_from": "2025-06-13T17:00:00Z", "awarded": "2025-06-13T17:00:00Z"}
    assert "verified" not in maker.meta  # not signed


def test_source_names_the_format_the_file_and_the_record(maker: Credential) -> None:
    assert maker.meta["source"] == {"format": "openbadges",
                                    "path": str(DATA / "maker-educator-ob3.json"),
                                    "where": "", "version": "3.0"}


def test_vc_1_1_achievement_credential_with_an_unchecked_proof() -> None:
    cred = one(DATA / "stem-microcredential-vc1.json")
    assert cred.title == "Data Literacy for Middle-School Science Teachers"
    assert cred.type == "badge" and cred.meta["original_type"] == "MicroCredential"
    assert cred.meta["verified"] is False
    assert cred.meta["credential"]["proof"] == "present, not checked"
    assert cred.meta["credential"]["valid_from"] == "2023-09-01T00:00:00Z"


def test_missing_optional_fields_leave_defaults(tmp_path: Path) -> None:
    cred = one(write(tmp_path, achievement()))
    assert (cred.description, cred.provider, cred.skills, cred.occupation_codes) == (
        "", "", [], [])
    assert cred.hours is None and cred.cost is None


def test_fields_we_do_not_map_are_kept_and_counted(tmp_path: Path) -> None:
    doc = achievement(hoursOfWork="12", otherIdentifier=[{
        "type": "IdentifierEntry", "identifier": "PD-42", "identifierType": "sourcedId"}])
    creds, _, notes = read(write(tmp_path, doc))
    assert creds[0].meta["unmapped"]["hoursOfWork"] == "12"
    assert creds[0].meta["unmapped"]["otherIdentifier"]["identifier"] == "PD-42"
    assert notes.unused_fields == {"hoursOfWork": 1, "otherIdentifier": 1}


def test_achievement_without_id_gets_a_stable_derived_one(tmp_path: Path) -> None:
    doc = achievement()
    del doc["id"]
    first, second = one(write(tmp_path, doc)), one(write(tmp_path, doc, "again.json"))
    assert first.id == second.id and first.id.startswith("openbadges:")
    assert first.meta["id_derived"] is True


def test_a_json_array_of_documents(tmp_path: Path) -> None:
    creds, rejected, _ = read(DATA / "two-achievements.json")
    assert [(c.type, c.meta["source"]["where"]) for c in creds] == [
        ("license", "[0]"), ("apprenticeship", "[1]")]
    assert not rejected


def test_json_lines_go_on_past_bad_lines() -> None:
    creds, rejected, notes = read(DATA / "badges.jsonl")
    assert [c.id for c in creds] == ["https://pd.example/a/1", "https://pd.example/a/5"]
    assert [(r.where, r.field) for r in rejected] == [
        ("line 3 https://pd.example/a/2", "name"), ("line 4", ""), ("line 5", "@context"),
        ("line 6", ""), ("line 8", "type")]
    assert all(r.path == str(DATA / "badges.jsonl") for r in rejected)


# --- OB 2.0 ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def robotics() -> Credential:
    return one(DATA / "robotics-badgeclass-ob2.json")


def test_ob2_badge_class_name_description_and_id(robotics: Credential) -> None:
    assert robotics.id == "https://badgr.example/public/badges/Q1w2E3r4T5y6"
    assert robotics.title == "Classroom Robotics Coach"
    assert robotics.description.startswith("Awarded to elementary teachers who can set up, "
                                           "program and troubleshoot classroom robots & coach")
    assert robotics.type == "badge"
    assert robotics.meta["source"]["version"] == "2.0"


def test_ob2_criteria_narrative_and_url(robotics: Credential) -> None:
    assert robotics.meta["criteria"] == {
        "narrative": "Attend the 12-hour robotics bootcamp and coach one team through a "
                     "regional challenge.",
        "id": "https://district-pd.example/robotics-coach"}


def test_ob2_alignment_is_a_declared_skill_and_kept(robotics: Credential) -> None:
    assert robotics.skills == ["program robots"]
    assert robotics.meta["alignments"] == [{
        "name": "program robots", "url": "https://standards.example.org/csta/1B-AP-10",
        "code": "1B-AP-10", "framework": "CSTA K-12 Computer Science Standards",
        "description": "Create programs that include sequences, events, loops, and "
                       "conditionals."}]


def test_ob2_tags_and_issuer(robotics: Credential) -> None:
    assert robotics.meta["tags"] == ["robotics", "elementary", "coaching"]
    assert robotics.provider == "Northside Elementary STEM Collaborative"


def test_ob2_assertion_with_its_badge_class_embedded() -> None:
    cred = one(DATA / "ob2-assertion-embedded.json")
    assert cred.title == "Computational Thinking in Literacy Block"
    assert cred.provider == "https://badgr.example/public/issuers/ZxCvBn"


def test_ob2_assertion_that_only_links_its_badge_class_is_rejected() -> None:
    _, rejected, _ = read(DATA / "ob2-assertion-linked.json")
    assert len(rejected) == 1 and rejected[0].field == "badge"
    assert "never fetched" in rejected[0].reason


# --- signed badges (JWT) ---------------------------------------------------------------

SECRET = b"skillmatch-test-secret-0123456789abcdef"


def credential_doc() -> dict[str, Any]:
    return copy.deepcopy(json.loads((DATA / "maker-educator-ob3.json").read_text()))


def hs256_jwks(tmp_path: Path, kid: str = "pd-key-1") -> Path:
    k = base64.urlsafe_b64encode(SECRET).rstrip(b"=").decode()
    return write(tmp_path, {"keys": [{"kty": "oct", "kid": kid, "alg": "HS256", "k": k}]},
                 "jwks.json")


def signed(payload: dict[str, Any], key: Any = SECRET, alg: str = "HS256",
           kid: str = "pd-key-1") -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def vc_jwt_payload() -> dict[str, Any]:
    cred = credential_doc()
    return {"iss": cred["issuer"]["id"], "jti": cred["id"], "nbf": 1749834000, "vc": cred}


def test_jwt_is_decoded_and_marked_unverified_without_a_jwks(tmp_path: Path) -> None:
    creds, rejected, notes = read(write(tmp_path, signed(vc_jwt_payload()), "badge.jwt"))
    assert not rejected and creds[0].title == "Maker Education Facilitator"
    assert creds[0].skills[0] == ESCO + "20f57a7f-b90e-4403-8c77-5ddd89b5835b"
    assert creds[0].meta["verified"] is False
    assert creds[0].meta["jwt"]["alg"] == "HS256" and creds[0].meta["jwt"]["kid"] == "pd-key-1"
    assert notes.counts["jwt unverified"] == 1


def test_vc_jwt_claims_stand_in_for_the_credential_id_and_issuer(tmp_path: Path) -> None:
    payload = vc_jwt_payload()
    del payload["vc"]["issuer"], payload["vc"]["id"]
    del payload["vc"]["credentialSubject"]["achievement"]["creator"]
    cred = one(write(tmp_path, signed(payload), "badge.jwt"))
    assert cred.provider == "https://badges.riverbend-usd.example/issuers/pd-office"
    assert cred.meta["credential"]["id"] == payload["jti"]


def test_jwt_whose_payload_is_the_credential_itself(tmp_path: Path) -> None:
    cred = one(write(tmp_path, signed(credential_doc()), "badge.jwt"))
    assert cred.id == "https://badges.riverbend-usd.example/achievements/maker-educator"


def test_jwt_verified_with_a_local_jwks(tmp_path: Path) -> None:
    jwks = hs256_jwks(tmp_path)
    creds, rejected, notes = read(write(tmp_path, signed(vc_jwt_payload()), "b.jwt"),
                                  jwks=jwks)
    assert not rejected and creds[0].meta["verified"] is True
    assert notes.counts["jwt verified"] == 1


def test_jwt_es256_verified_with_a_public_jwk(tmp_path: Path) -> None:
    ec = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ec")
    private = ec.generate_private_key(ec.SECP256R1())
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwks = write(tmp_path, {"keys": [{**public_jwk, "kid": "es-1", "alg": "ES256"}]},
                 "jwks.json")
    token = signed(vc_jwt_payload(), private, "ES256", "es-1")
    assert one(write(tmp_path, token, "b.jwt"), jwks=jwks).meta["verified"] is True


def test_jwt_with_a_bad_signature_is_rejected_with_the_reason(tmp_path: Path) -> None:
    jwks = hs256_jwks(tmp_path)
    token = signed(vc_jwt_payload(), b"another-secret-entirely-0123456789")
    _, rejected, _ = read(write(tmp_path, token, "b.jwt"), jwks=jwks)
    assert rejected[0].field == "jwt"
    assert "signature does not verify" in rejected[0].reason


def test_jwt_whose_kid_is_not_in_the_jwks_is_rejected(tmp_path: Path) -> None:
    jwks = hs256_jwks(tmp_path, kid="other")
    _, rejected, _ = read(write(tmp_path, signed(vc_jwt_payload()), "b.jwt"), jwks=jwks)
    assert "no key for kid 'pd-key-1'" in rejected[0].reason


def test_unsigned_jwt_is_rejected_when_a_jwks_is_configured(tmp_path: Path) -> None:
    token = jwt.encode(vc_jwt_payload(), None, algorithm="none")
    jwks = hs256_jwks(tmp_path)
    _, rejected, _ = read(write(tmp_path, token, "b.jwt"), jwks=jwks)
    assert rejected and rejected[0].field == "jwt"


@pytest.mark.parametrize("token", [
    "eyJhbGciOiJIUzI1NiJ9.not-base64!!.sig",
    "eyJhbGciOiJIUzI1NiJ9",
    "eyJub3QganNvbg.e30.c2ln",
])
def test_malformed_jwt_is_rejected_naming_the_file(tmp_path: Path, token: str) -> None:
    path = write(tmp_path, token + "\n", "b.jwt")
    _, rejected, _ = read(path)
    assert len(rejected) == 1
    assert (rejected[0].path, rejected[0].field) == (str(path), "jwt")
    assert "malformed JWT" in rejected[0].reason


def test_jwts_one_a_line(tmp_path: Path) -> None:
    lines = "\n".join([signed(vc_jwt_payload()), "eyJbroken", signed(credential_doc())])
    creds, rejected, _ = read(write(tmp_path, lines, "badges.jwt"))
    assert len(creds) == 2 and [r.where for r in rejected] == ["line 2"]


def test_unreadable_jwks_is_an_input_error(tmp_path: Path) -> None:
    bad = write(tmp_path, {"keys": []}, "jwks.json")
    with pytest.raises(InputError, match="JWKS"):
        read(write(tmp_path, signed(vc_jwt_payload()), "b.jwt"), jwks=bad)
    with pytest.raises(InputError, match="cannot read"):
        read(write(tmp_path, signed(vc_jwt_payload()), "b.jwt"), jwks=tmp_path / "none.json")


# --- bad input -------------------------------------------------------------------------


def test_invalid_json_is_rejected_naming_the_file_and_line() -> None:
    _, rejected, _ = read(DATA / "invalid.json")
    assert len(rejected) == 1
    assert rejected[0].path == str(DATA / "invalid.json") and rejected[0].where == "line 1"
    assert "invalid JSON" in rejected[0].reason


@pytest.mark.parametrize("doc", [42, "\"just text\"", "[1, 2]", "null"])
def test_valid_json_of_the_wrong_shape_is_rejected(tmp_path: Path, doc: Any) -> None:
    _, rejected, _ = read(write(tmp_path, str(doc)))
    assert rejected and all("expected a JSON object" in r.reason for r in rejected)


def test_an_object_that_is_not_a_badge_is_rejected_naming_its_type(tmp_path: Path) -> None:
    doc = {"@context": OB3, "type": ["Profile"], "id": "https://x.example", "name": "Org"}
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "type" and "type Profile" in rejected[0].reason


def test_record_without_a_name_is_rejected_naming_the_field(tmp_path: Path) -> None:
    doc = achievement()
    del doc["name"]
    _, rejected, _ = read(write(tmp_path, doc))
    assert (rejected[0].field, rejected[0].path, rejected[0].where) == (
        "name", str(tmp_path / "badge.json"), "https://pd.example/a/x")


def test_credential_without_an_achievement_is_rejected(tmp_path: Path) -> None:
    doc = credential_doc()
    del doc["credentialSubject"]["achievement"]
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "credentialSubject.achievement"


def test_unknown_remote_context_is_rejected_and_not_fetched(tmp_path: Path) -> None:
    doc = achievement()
    doc["@context"] = [OB3, "https://badges.vendor.example/ctx/v7.jsonld"]
    _, rejected, _ = read(write(tmp_path, doc))
    assert rejected[0].field == "@context"
    assert "badges.vendor.example" in rejected[0].reason


def test_json_without_context_is_rejected() -> None:
    _, rejected, _ = read(DATA / "no-context.json")
    assert rejected[0].field == "@context" and "missing @context" in rejected[0].reason


def test_deeply_nested_json_is_rejected_not_crashing(tmp_path: Path) -> None:
    doc = json.dumps(achievement(extra="HOLE"))
    nested = '{"n": ' * 5000 + '"bottom"' + "}" * 5000
    _, rejected, _ = read(write(tmp_path, doc.replace('"HOLE"', nested)))
    assert rejected and "nested" in rejected[0].reason


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    _, rejected, _ = read(write(tmp_path, "\n\n"))
    assert "empty file" in rejected[0].reason


# --- codes and detection ---------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"url": "https://data.europa.eu/esco/skill/2EE57DE4-BFFD-4194-B009-0060EDEC77CC"},
     ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"),
    ({"code": ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"},
     ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"),
    ({"code": "2ee57de4-bffd-4194-b009-0060edec77cc", "framework": "ESCO"},
     ESCO + "2ee57de4-bffd-4194-b009-0060edec77cc"),
    ({"code": "2ee57de4-bffd-4194-b009-0060edec77cc", "framework": "Acme"}, ""),
    ({"code": "tech:Python"}, "tech:Python"),
    ({"url": "http://data.europa.eu/esco/occupation/abc"}, ""),
])
def test_skill_code(kwargs: dict[str, str], code: str) -> None:
    assert skill_code(**kwargs) == code


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"code": "51-4121.06"}, "51-4121.06"),
    ({"code": "51-4121"}, "51-4121.00"),
    ({"url": "https://www.onetonline.org/link/summary/25-2031.00"}, "25-2031.00"),
    ({"url": "https://www.onetcenter.org/dictionary/29.2/excel/occupation/15-1252"},
     "15-1252.00"),
    ({"code": "2.A.1.a"}, ""),
])
def test_occupation_code(kwargs: dict[str, str], code: str) -> None:
    assert occupation_code(**kwargs) == code


def test_detector_recognises_badges_and_signed_badges(tmp_path: Path) -> None:
    for name in ("maker-educator-ob3.json", "robotics-badgeclass-ob2.json",
                 "stem-microcredential-vc1.json"):
        assert looks_like_openbadges((DATA / name).read_bytes()[:4096])
    assert looks_like_openbadges(signed(vc_jwt_payload())[:4096])
    assert not looks_like_openbadges(b'{"@context": "https://schema.org", "@type": "JobPosting"}')
    assert not looks_like_openbadges("id,title\n1,Welder\n")
    ctdl = DATA.parent / "ctdl"
    assert not any(looks_like_openbadges(p.read_bytes()[:4096]) for p in ctdl.glob("*.json*"))


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
@given(path=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=6),
       value=json_values)
def test_mutated_documents_never_crash(tmp_path: Path, path: list[int], value: Any) -> None:
    for name in ("maker-educator-ob3.json", "robotics-badgeclass-ob2.json"):
        doc = _mutate(json.loads((DATA / name).read_text()), path, value)
        for item in read_openbadges(write(tmp_path, doc, "mutated.json")):
            assert isinstance(item, Credential | Rejected)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80))
def test_random_text_never_crashes(tmp_path: Path, text: str) -> None:
    for item in read_openbadges(write(tmp_path, text, "random.txt")):
        assert isinstance(item, Credential | Rejected)


def test_html_nested_too_deeply_rejects_the_record_naming_the_field(tmp_path: Path) -> None:
    html = "<div>" * 400 + "text" + "</div>" * 400
    _, rejected, _ = read(write(tmp_path, achievement(description=html)))
    assert [(r.field, r.where) for r in rejected] == [("description", "https://pd.example/a/x")]
