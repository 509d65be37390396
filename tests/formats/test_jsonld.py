"""JSON-LD support: the offline loader, expansion and reading expanded values."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from skillmatch.errors import InputError
from skillmatch.formats import jsonld as J

SCHEMA_NAME = J.SCHEMA + "name"
CETERMS = "https://purl.org/ctdl/terms/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: contexts are never fetched."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a JSON-LD test tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("url", [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://w3id.org/openbadges/v2",
    "https://openbadgespec.org/v2/context.json",
    "https://credreg.net/ctdl/schema/context/json",
    "https://credreg.net/ctdlasn/schema/context/json",
    "https://schema.org",
    "https://schema.org/",
    "http://schema.org",
    "http://schema.org/",
])
def test_loader_serves_every_shipped_context(url: str) -> None:
    served = J.load_document(url)
    assert served["documentUrl"] == url
    assert "@context" in served["document"]


def test_known_contexts_lists_ours_and_the_published_ones() -> None:
    known = J.known_contexts()
    assert "https://credreg.net/ctdl/schema/context/json" in known
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in known


def test_unknown_remote_context_is_refused_naming_it_and_the_file() -> None:
    doc = {"@context": "https://example.org/contexts/badge.jsonld", "name": "x"}
    with pytest.raises(InputError) as err:
        J.expand(doc, path="badges/maker.json")
    assert err.value.field == "@context"
    assert "https://example.org/contexts/badge.jsonld" in str(err.value)
    assert "badges/maker.json" in str(err.value)
    assert "never fetched" in str(err.value)


def test_a_context_imported_from_a_known_one_is_still_refused() -> None:
    doc = {"@context": ["https://schema.org", {"@import": "https://evil.example/c.json"}],
           "name": "x"}
    with pytest.raises(InputError, match="evil.example"):
        J.expand(doc)


def test_compact_keys_and_full_iris_expand_to_the_same_property() -> None:
    compact = J.expand({"@context": "https://schema.org", "@type": "Course", "name": "Welding I"})
    full = J.expand({"@type": "http://schema.org/Course", SCHEMA_NAME: "Welding I"})
    assert J.text(compact[0], SCHEMA_NAME) == J.text(full[0], SCHEMA_NAME) == "Welding I"
    assert J.types(compact[0]) == ["http://schema.org/Course"]


def test_language_map_reads_english_first_then_any() -> None:
    doc = {"@context": "https://credreg.net/ctdl/schema/context/json",
           "@type": "ceterms:MicroCredential",
           "ceterms:name": {"es": "Soldadura básica", "en-US": "Basic Welding"},
           "ceterms:keyword": {"es": ["soldadura"], "en": ["welding", "safety"]}}
    node = J.expand(doc)[0]
    assert J.text(node, CETERMS + "name") == "Basic Welding"
    assert J.texts(node, CETERMS + "keyword") == ["welding", "safety"]
    assert J.languages(node, CETERMS + "name") == {"es": "Soldadura básica",
                                                   "en-us": "Basic Welding"}
    only_spanish = J.expand({**doc, "ceterms:name": {"es": "Soldadura básica"}})[0]
    assert J.text(only_spanish, CETERMS + "name") == "Soldadura básica"


def test_untagged_text_is_preferred_over_another_language() -> None:
    node = {"p": [{"@value": "Robotik", "@language": "de"}, {"@value": "Robotics"}]}
    assert J.text(node, "p") == "Robotics"


def test_values_first_ids_nodes_and_lists() -> None:
    node = {
        "p": [{"@value": 3}, {"@id": "https://x.org/a"}, {"@list": [{"@value": "a"},
                                                                  {"@value": "b"}]},
              {"@id": "_:b0", "q": [{"@value": "inner"}]}],
        "@type": ["https://x.org/T"], "@id": "https://x.org/self",
    }
    assert J.values(node, "p") == [3, "https://x.org/a", "a", "b"]
    assert J.first(node, "missing", "p") == 3
    assert J.first(node, "missing") is None
    assert J.ids(node, "p") == ["https://x.org/a", "_:b0"]
    assert [J.node_id(n) for n in J.nodes(node, "p")] == ["https://x.org/a", "_:b0"]
    assert J.types(node) == ["https://x.org/T"]
    assert J.node_id(node) == "https://x.org/self"


@pytest.mark.parametrize(("iri", "name"), [
    ("https://purl.org/ctdl/terms/Certificate", "Certificate"),
    ("https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement", "Achievement"),
    ("deliveryType:InPerson", "InPerson"),
    ("http://schema.org/", "schema.org"),
])
def test_local_name(iri: str, name: str) -> None:
    assert J.local_name(iri) == name


def test_undefined_terms_are_kept_under_the_fallback_vocabulary() -> None:
    node = J.expand({"@context": "https://schema.org", "name": "x", "@id": "urn:a",
                     "http://schema.org/about": "y"})[0]
    assert J.undefined_terms(node) == []
    ob2 = J.expand({"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
                    "name": "Robotics", "hoursOfWork": "12"})[0]
    assert J.undefined_terms(ob2) == ["hoursOfWork"]
    assert J.first(ob2, J.loose("hoursOfWork")) == "12"


def test_a_document_without_context_can_take_a_default_one() -> None:
    doc = {"@type": "JobPosting", "title": "Welder"}
    node = J.expand(doc, default_context="https://schema.org")[0]
    assert J.text(node, J.SCHEMA + "title") == "Welder"
    assert J.types(node) == [J.SCHEMA + "JobPosting"]


def test_deeply_nested_json_is_refused_before_expansion() -> None:
    doc: dict[str, object] = {"@context": "https://schema.org", "name": "deep"}
    inner = doc
    for _ in range(J.MAX_DEPTH + 5):
        child: dict[str, object] = {}
        inner["about"] = child
        inner = child
    with pytest.raises(InputError, match="nested deeper"):
        J.expand(doc, path="deep.json")
    assert J.depth([[[1]]]) == 3
    assert J.depth("x") == 0


def test_not_an_object_is_an_input_error() -> None:
    with pytest.raises(InputError, match="expected a JSON-LD object"):
        J.expand("just text", path="f.json")


def test_invalid_json_ld_is_an_input_error_naming_the_context() -> None:
    with pytest.raises(InputError) as err:
        J.expand({"@context": {"name": {"@id": 5}}, "name": "x"}, path="bad.json")
    assert err.value.field == "@context"
    assert "not valid JSON-LD" in str(err.value)


def test_plain_drops_to_local_names() -> None:
    node = J.expand({"@context": "https://w3id.org/openbadges/v2", "type": "AlignmentObject",
                     "targetName": "Weld", "targetUrl": "https://x.org/s/1"})[0]
    assert J.plain(node) == {"type": ["AlignmentObject"], "targetName": "Weld",
                             "targetUrl": "https://x.org/s/1"}


# --- the documents of a file -----------------------------------------------------------


def docs(tmp_path: Path, content: str | bytes, accept_text: object = None) -> list[tuple]:
    path = tmp_path / "in.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return list(J.read_documents(path, accept_text=accept_text))  # type: ignore[arg-type]


def test_one_pretty_printed_document(tmp_path: Path) -> None:
    assert docs(tmp_path, '{\n  "a": 1\n}\n') == [("", {"a": 1})]


def test_one_document_on_one_line_with_a_bom(tmp_path: Path) -> None:
    assert docs(tmp_path, "\ufeff{\"a\": 1}") == [("", {"a": 1})]


def test_an_array_of_documents(tmp_path: Path) -> None:
    assert docs(tmp_path, '[\n{"a": 1},\n{"b": 2}\n]') == [("[0]", {"a": 1}), ("[1]", {"b": 2})]


def test_json_lines_with_blank_and_bad_lines(tmp_path: Path) -> None:
    got = docs(tmp_path, '{"a": 1}\n\n{"b": \n{"c": 3}\n')
    assert [w for w, _ in got] == ["line 1", "line 3", "line 4"]
    assert got[0][1] == {"a": 1} and got[2][1] == {"c": 3}
    error = got[1][1]
    assert isinstance(error, InputError) and error.line == 3
    assert "invalid JSON" in error.reason


def test_json_lines_whose_first_line_is_bad(tmp_path: Path) -> None:
    got = docs(tmp_path, '{"a": }\n{"b": 2}\n')
    assert isinstance(got[0][1], InputError) and got[0][0] == "line 1"
    assert got[1] == ("line 2", {"b": 2})


def test_invalid_pretty_printed_json_names_the_line(tmp_path: Path) -> None:
    [(where, error)] = docs(tmp_path, '{\n  "a": 1,\n  "b": oops\n}')
    assert isinstance(error, InputError) and error.line == 3 and where == ""


def test_text_lines_a_reader_accepts(tmp_path: Path) -> None:
    got = docs(tmp_path, "eyJ.a.b\neyJ.c.d\n", accept_text=lambda t: t.startswith("eyJ"))
    assert got == [("line 1", "eyJ.a.b"), ("line 2", "eyJ.c.d")]


def test_empty_and_undecodable_files(tmp_path: Path) -> None:
    [(_, empty)] = docs(tmp_path, "  \n\n")
    assert isinstance(empty, InputError) and "empty file" in empty.reason
    [(_, binary)] = docs(tmp_path, b"\xff\xfe\x00{")
    assert isinstance(binary, InputError) and "not UTF-8" in binary.reason


def test_a_missing_file_is_an_input_error_not_an_exception(tmp_path: Path) -> None:
    [(_, error)] = list(J.read_documents(tmp_path / "missing.json"))
    assert isinstance(error, InputError) and "cannot read" in error.reason
