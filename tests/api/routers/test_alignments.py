"""``/v1/alignments``: a catalogued credential or posted text, in every format; two or
three credentials compared."""

from __future__ import annotations

import csv
import io

from tests.api.conftest import assert_problem


def test_align_a_catalogued_credential(client) -> None:
    body = client.post("/v1/alignments", json={"credential": "cna", "k": 2}).json()
    assert body["credential"] == {"id": "cna", "title": "Nurse Aide"}
    assert 0 <= body["alignment"] <= 1
    assert {s["id"] for s in body["covered_in_demand"]} == {"s:cpr", "s:vitals"}
    assert len(body["suggested_additions"]) == 2 and body["prepares_for"]
    assert body["targets"][0]["occupation"]["code"] == "31-1131.00"


def test_align_posted_text_against_chosen_occupations(client) -> None:
    body = client.post("/v1/alignments", json={
        "description": "MIG welding of steel parts, working in teams.",
        "occupations": ["51-4121.00"]}).json()
    assert body["credential"]["id"] is None
    assert [t["occupation"]["code"] for t in body["targets"]] == ["51-4121.00"]
    assert "s:weld" in {s["id"] for s in body["covered_in_demand"]}


def test_align_errors(client) -> None:
    assert_problem(client.post("/v1/alignments", json={}), 422, "credential")
    assert_problem(client.post("/v1/alignments", json={"credential": "cna",
                                                       "description": "x"}), 422,
                   "description")
    body = assert_problem(client.post("/v1/alignments", json={"credential": "nope"}), 404)
    assert "nope" in body["detail"]


def test_align_formats_by_query_or_accept(client) -> None:
    body = {"credential": "cna", "k": 2}
    plain = client.post("/v1/alignments", json=body)
    assert plain.headers["content-type"] == "application/json"
    assert plain.headers["vary"] == "Accept"
    page = client.post("/v1/alignments", json=body, params={"format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Alignment: Nurse Aide</h1>" in page.text
    assert "perform cardiopulmonary resuscitation" in page.text
    table = client.post("/v1/alignments", json=body, headers={"accept": "text/csv"})
    assert table.headers["content-type"].startswith("text/csv")
    assert table.headers["content-disposition"] == 'attachment; filename="alignment-cna.csv"'
    rows = list(csv.DictReader(io.StringIO(table.text)))
    covered = {r["id"] for r in rows if r["section"] == "covered"}
    assert covered == {s["id"] for s in plain.json()["covered_in_demand"]}
    assert {r["section"] for r in rows} >= {"covered", "missing", "suggested"}
    svg = client.post("/v1/alignments", json=body, headers={"accept": "image/svg+xml"})
    assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.post("/v1/alignments", json=body, params={"format": "png"},
                      headers={"accept": "text/html"})  # the parameter wins
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    # the most preferred type offered; unknown types and */* answer JSON
    assert client.post("/v1/alignments", json=body, headers={
        "accept": "text/csv;q=0.5, text/html"}).headers["content-type"].startswith("text/html")
    for accept in ("application/xml", "*/*", "image/png;q=0, application/json"):
        answer = client.post("/v1/alignments", json=body, headers={"accept": accept})
        assert answer.headers["content-type"] == "application/json", accept
    assert_problem(client.post("/v1/alignments", json=body, params={"format": "pdf"}), 422,
                   "format")


def test_align_a_credential_by_get(client) -> None:
    got = client.get("/v1/alignments/cna", params={"k": 2})
    assert got.status_code == 200, got.text
    posted = client.post("/v1/alignments", json={"credential": "cna", "k": 2}).json()
    assert got.json()["alignment"] == posted["alignment"]
    welders = client.get("/v1/alignments/weld", params={"occupation": "51-4121.00"}).json()
    assert [t["occupation"]["code"] for t in welders["targets"]] == ["51-4121.00"]
    page = client.get("/v1/alignments/cna", params={"format": "html", "k": 2}).text
    assert '<img src="/v1/alignments/cna?k=2&amp;format=svg"' in page
    body = assert_problem(client.get("/v1/alignments/nope", params={"format": "csv"}), 404)
    assert "nope" in body["detail"]
    assert_problem(client.get("/v1/alignments/cna", params={"k": 0}), 422, "k")


def test_compare_two_credentials_against_the_same_targets(client) -> None:
    answer = client.post("/v1/alignments/compare", json={"credentials": ["cna", "weld"]})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    cna, weld = body["credentials"]
    assert (cna["id"], weld["id"]) == ("cna", "weld")
    # each one's best occupation, both aligned against both
    assert [t["occupation"]["code"] for t in body["targets"]] == ["31-1131.00", "51-4121.00"]
    assert body["targets_from"] != "given"
    alone = client.post("/v1/alignments", json={
        "credential": "weld", "occupations": ["31-1131.00", "51-4121.00"]}).json()
    assert weld["alignment"] == alone["alignment"]
    assert (cna["cost"], cna["hours"], weld["cost"]) == (0.0, 120.0, 900.0)
    ids = {c["id"]: {s["id"] for s in c["covered_in_demand"]} for c in (cna, weld)}
    shared = {s["id"] for s in body["shared_in_demand"]}
    assert shared == ids["cna"] & ids["weld"]
    assert {s["id"] for s in cna["unique_in_demand"]} == ids["cna"] - ids["weld"]
    assert {"s:cpr", "s:vitals"} <= ids["cna"] - ids["weld"]
    assert "s:weld" in {s["id"] for s in weld["unique_in_demand"]}
    assert "s:weld" in {s["id"] for s in cna["missing_in_demand"]}
    assert not {s["id"] for s in body["missing_in_all"]} & (ids["cna"] | ids["weld"])
    assert body["best"]["cost"] == "cna" and body["best"]["alignment"] in ("cna", "weld")


def test_compare_three_with_given_targets(client) -> None:
    body = client.post("/v1/alignments/compare", json={
        "credentials": ["cna", "weld", "team"], "occupations": ["31-1131.00"],
        "k": 1}).json()
    assert body["targets_from"] == "given" and len(body["credentials"]) == 3
    assert [t["occupation"]["code"] for t in body["targets"]] == ["31-1131.00"]
    assert all(len(c["missing_in_demand"]) <= 1 for c in body["credentials"])
    best = max(body["credentials"], key=lambda c: c["alignment"])
    assert body["best"]["alignment"] == best["id"] == "cna"


def test_compare_errors(client) -> None:
    for ids in (["cna"], ["cna", "weld", "team", "cna2"], []):
        assert_problem(client.post("/v1/alignments/compare", json={"credentials": ids}),
                       422, "credentials")
    assert_problem(client.post("/v1/alignments/compare", json={}), 422, "credentials")
    assert_problem(client.post("/v1/alignments/compare",
                               json={"credentials": ["cna", "cna"]}), 422, "credentials")
    assert_problem(client.post("/v1/alignments/compare",
                               json={"credentials": ["cna", ""]}), 422, "credentials.1")
    body = assert_problem(client.post("/v1/alignments/compare",
                                      json={"credentials": ["cna", "nope"]}), 404)
    assert "nope" in body["detail"]
