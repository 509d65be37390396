"""``/v1/occupations``: autocomplete by title, other title and code."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def test_autocomplete_occupations(client) -> None:
    found = client.get("/v1/occupations", params={"q": "nurs"}).json()["results"]
    assert [(r["taxonomy"], r["code"]) for r in found] == [("onet", "31-1131.00"),
                                                           ("esco", "o:nurse")]
    assert found[0]["matched"] == "Nurse Aide" and found[0]["label"] == "Nursing Assistants"
    by_code = client.get("/v1/occupations", params={"q": "51-41"}).json()["results"]
    assert by_code[0]["code"] == "51-4121.00" and by_code[0]["match"] == "prefix"
    only = client.get("/v1/occupations", params={"q": "nurs", "taxonomy": "esco"}).json()
    assert [r["code"] for r in only["results"]] == ["o:nurse"]
    assert client.get("/v1/occupations", params={"q": "zzzz"}).json()["results"] == []
    assert_problem(client.get("/v1/occupations", params={"q": ""}), 422, "q")
