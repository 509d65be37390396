"""``/v1/skills``: linking with evidence, autocomplete."""

from __future__ import annotations

from tests.api.conftest import assert_problem


def test_link_gives_each_skill_with_its_evidence(client) -> None:
    text = "Take vital signs and administer CPR."
    body = client.post("/v1/skills/link", json={"text": text}).json()
    assert body["text"] == text
    linked = {s["id"]: s for s in body["skills"]}
    assert set(linked) == {"s:vitals", "s:cpr"}
    ev = linked["s:cpr"]["evidence"]
    assert text[ev["start"]:ev["end"]] == ev["text"] == "administer CPR"
    assert linked["s:cpr"]["taxonomy"] == "esco" and 0 < linked["s:cpr"]["score"] <= 1
    assert "probability" not in linked["s:cpr"]  # no ranker for the fake model: not null
    assert body["provenance"] == {"model": "fake-hash-256", "taxonomies": {"esco": "1.0"}}


def test_link_top_k_threshold_and_taxonomy(client) -> None:
    top = client.post("/v1/skills/link", json={"text": "welding", "top_k": 2,
                                               "taxonomies": ["esco"]}).json()
    assert len(top["skills"]) == 2 and top["skills"][0]["id"] == "s:weld"
    text = "Weld metal parts and plan lessons in teams."
    low = client.post("/v1/skills/link", json={"text": text, "threshold": 0.0}).json()
    high = client.post("/v1/skills/link", json={"text": text, "threshold": 0.99}).json()
    assert len(high["skills"]) < len(low["skills"])
    assert all(s["score"] >= 0.99 for s in high["skills"])
    body = assert_problem(client.post("/v1/skills/link",
                                      json={"text": "x", "taxonomies": ["nope"]}), 422)
    assert "esco" in body["detail"]


def test_link_validates_its_body(client) -> None:
    body = assert_problem(client.post("/v1/skills/link", json={"text": "", "top_k": 0}), 422,
                          "text")
    assert [e["field"] for e in body["errors"]] == ["text", "top_k"]
    assert_problem(client.post("/v1/skills/link", json={"text": "x", "topk": 3}), 422, "topk")
    assert_problem(client.post("/v1/skills/link", json={"text": "x" * 20_001}), 422, "text")


def test_autocomplete_skills(client) -> None:
    body = client.get("/v1/skills", params={"q": "vital s"}).json()
    assert body["query"] == "vital s"
    assert body["results"][0] == {"taxonomy": "esco", "code": "s:vitals",
                                  "label": "take vital signs", "matched": "take vital signs",
                                  "match": "word", "score": 1.0}
    assert client.get("/v1/skills", params={"q": "excel"}).json()["results"][0]["matched"] \
        == "Excel"  # an alternative label, shortest first
    typo = client.get("/v1/skills", params={"q": "weldng"}).json()["results"]
    assert typo[0]["code"] == "s:weld" and typo[0]["match"] == "fuzzy"
    assert len(client.get("/v1/skills", params={"q": "p", "limit": 1}).json()["results"]) == 1
    assert client.get("/v1/skills", params={"q": "pyth", "taxonomy": "esco"}).json()[
        "results"][0]["code"] == "s:python"


def test_autocomplete_checks_its_parameters(client) -> None:
    assert_problem(client.get("/v1/skills"), 422, "q")
    assert_problem(client.get("/v1/skills", params={"q": "x", "limit": 51}), 422, "limit")
    body = assert_problem(client.get("/v1/skills", params={"q": "x", "taxonomy": "nope"}),
                          422, "taxonomy")
    assert "esco" in body["detail"]
