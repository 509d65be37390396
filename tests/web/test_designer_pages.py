"""The program designer's pages through FastAPI's TestClient, on the API tests' small
workspace (tiny taxonomy, a few O*NET occupations, three credentials, nursing and
welding postings, two needs; fake embedder): the form, a report for a catalogued
credential and for pasted text, the downloads, errors as pages, HTML escaping."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.api import create_app
from tests.api.conftest import build_workspace

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = build_workspace(tmp_path_factory.mktemp("designer") / "ws")
    app = create_app(engine=engine)
    with TestClient(app) as client:
        assert app.state.readiness.wait(60), app.state.readiness.error
        yield client
    engine.close()


# ------------------------------------------------------------------ HTML helpers
class Page(HTMLParser):
    """What the tests read from a page: fields and their labels, headings, links,
    images, the text, and every element's attributes by tag."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: dict[str, list[dict[str, str]]] = {}
        self.labels: set[str] = set()
        self.headings: list[tuple[int, str]] = []
        self.text_parts: list[str] = []
        self._heading: int | None = None
        self._heading_text: list[str] = []
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.setdefault(tag, []).append(attributes)
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading, self._heading_text = int(tag[1]), []
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((self._heading, " ".join("".join(
                self._heading_text).split())))
            self._heading = None
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading_text.append(data)
        if not self._skip:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def fields(self) -> list[dict[str, str]]:
        """Every field a user fills in (not hidden inputs)."""
        inputs = [a for a in self.tags.get("input", []) if a.get("type") != "hidden"]
        return inputs + self.tags.get("select", []) + self.tags.get("textarea", [])


def assert_accessible_basics(html: str) -> Page:
    """One h1, headings that skip no level, a label for every field, alt on images,
    ids unique."""
    page = Page(html)
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1, page.headings
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, page.headings
    for field in page.fields():
        assert field.get("id") in page.labels, f"no label for {field}"
    for image in page.tags.get("img", []):
        assert image.get("alt"), image
    ids = [a["id"] for attrs in page.tags.values() for a in attrs if a.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    return page


def html_page(response: Any, status: int = 200) -> Page:
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    return assert_accessible_basics(response.text)


# ------------------------------------------------------------------------- form
def test_form_offers_the_catalogue_and_a_text_box(client: TestClient) -> None:
    page = html_page(client.get("/designer"))
    [select] = page.tags["select"]
    assert select["name"] == "credential"
    values = {o.get("value") for o in page.tags["option"]}
    assert {"cna", "weld", "team"} <= values
    [textarea] = page.tags["textarea"]
    assert textarea["name"] == "description" and textarea["maxlength"] == "20000"
    forms = {(f["method"], f["action"]) for f in page.tags["form"]}
    assert forms == {("get", "/designer/report"), ("post", "/designer/report")}
    # the occupation field suggests the occupations postings name
    assert {"31-1131.00", "51-4121.00"} <= values
    assert "Nurse Aide" in page.text


def test_form_keeps_a_preselected_credential(client: TestClient) -> None:
    page = html_page(client.get("/designer?credential=weld"))
    [chosen] = [o for o in page.tags["option"] if "selected" in o]
    assert chosen["value"] == "weld"


# --------------------------------------------------------------------- reports
def test_report_of_a_catalogued_credential(client: TestClient) -> None:
    response = client.get("/designer/report?credential=cna")
    page = html_page(response)
    assert ("1", "Alignment: Nurse Aide") in {(str(level), t) for level, t in page.headings}
    headings = [t for _, t in page.headings]
    for wanted in ("Alignment score", "Coverage against demand",
                   "Gaps: in-demand skills it does not teach", "In-demand skills it teaches",
                   "Taught but rarely asked for", "Suggested additions",
                   "Occupations it prepares for", "Similar credentials",
                   "Download this report"):
        assert wanted in headings
    engine = client.app.state.engine  # type: ignore[attr-defined]
    report = engine.align("cna", k=5)
    assert f"{report['alignment']:.2f}" in page.text
    # the chart is the report module's SVG, inline as an image with words beside it
    [chart] = page.tags["img"]
    assert chart["src"].startswith("data:image/svg+xml;base64,")
    assert "Bar chart" in chart["alt"] and "tables below" in chart["alt"]
    # targets by title, the credential's facts (free, 120 h)
    assert "Nursing Assistants" in page.text
    assert "Cost: free" in page.text and "Length: 120 h" in page.text
    for skill in report["covered_in_demand"]:
        assert skill["label"] in page.text
    # downloads: links to page routes, the badge alignment among them
    hrefs = {a.get("href", "") for a in page.tags["a"]}
    for path in ("/designer/report.html?credential=cna", "/designer/report.csv?credential=cna",
                 "/designer/alignment-ob3.json?credential=cna"):
        assert path in hrefs


def test_gaps_are_ranked_by_demand_and_additions_show_their_gain(client: TestClient) -> None:
    response = client.get("/designer/report?credential=team&occupation=31-1131.00")
    page = html_page(response)
    report = client.app.state.engine.align(  # type: ignore[attr-defined]
        "team", occupations=["31-1131.00"], k=5)
    missing = [s["label"] for s in report["missing_in_demand"]]
    assert missing, report
    positions = [page.text.index(label) for label in missing]
    assert positions == sorted(positions)
    assert report["suggested_additions"]
    for addition in report["suggested_additions"]:
        assert f"+{addition['gain']:.3f}" in page.text
    assert "Nursing Assistants (31-1131.00)" in page.text
    # the targets form keeps the occupation
    [field] = [f for f in page.fields() if f.get("id") == "target-occupation"]
    assert field["value"] == "31-1131.00"


def test_similar_credentials_link_to_their_reports(client: TestClient) -> None:
    page = html_page(client.get("/designer/report?credential=cna&region=TX"))
    similar = [a["href"] for a in page.tags["a"]
               if a.get("href", "").startswith("/designer/report?credential=")
               and "cna" not in a["href"]]
    assert similar
    assert all("region=TX" in href for href in similar)
    assert html_page(client.get(similar[0])).headings[0][1].startswith("Alignment: ")


def test_report_of_pasted_text(client: TestClient) -> None:
    text = "Students weld steel parts with MIG welding and work in teams in the shop."
    response = client.post("/designer/report", data={"description": text,
                                                     "occupation": "51-4121.00"})
    page = html_page(response)
    assert page.headings[0] == (1, "Alignment of your description")
    assert text in page.text
    assert "weld metal parts" in page.text
    # no badge alignment for text; the downloads are forms carrying the text
    assert not any("alignment-ob3" in a.get("href", "") for a in page.tags["a"])
    hidden = [i for i in page.tags["input"] if i.get("type") == "hidden"
              and i.get("name") == "description"]
    assert hidden and all(i["value"] == text for i in hidden)
    actions = {f["action"] for f in page.tags["form"]}
    assert {"/designer/report", "/designer/report.html"} <= actions
    assert any(b.get("formaction") == "/designer/report.csv" for b in page.tags["button"])


def test_a_catalogued_credential_can_be_typed_by_its_title(client: TestClient) -> None:
    page = html_page(client.get("/designer/report?credential=nurse+AIDE"))
    assert page.headings[0][1] == "Alignment: Nurse Aide"


def test_a_partial_title_offers_the_credentials_it_may_mean(client: TestClient) -> None:
    page = html_page(client.get("/designer/report?credential=welding&region=OH"), 404)
    assert "did you mean" in page.text
    assert "/designer/report?credential=weld&region=OH" in {
        a.get("href") for a in page.tags["a"]}


def test_low_confidence_is_flagged(client: TestClient, monkeypatch: pytest.MonkeyPatch
                                   ) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    align = engine.align

    def low(*args: Any, **kwargs: Any) -> dict[str, Any]:
        report = align(*args, **kwargs)
        report["prepares_for_confidence"] = {
            "low_confidence": True, "reason": "the best occupation scores 0.12, below 0.3",
            "best_score": 0.12, "threshold": 0.3}
        return report

    monkeypatch.setattr(engine, "align", low)
    page = html_page(client.get("/designer/report?credential=team"))
    assert "Low confidence: the best occupation scores 0.12, below 0.3." in page.text


def test_text_from_records_and_input_is_escaped(client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    align = engine.align

    def marked_up(*args: Any, **kwargs: Any) -> dict[str, Any]:
        report = align(*args, **kwargs)
        report["credential"] = {**report["credential"], "title": "<b>Bold</b> & co"}
        for row in report["missing_in_demand"]:
            row["label"] = "<script>alert(1)</script>"
        return report

    monkeypatch.setattr(engine, "align", marked_up)
    response = client.get("/designer/report?credential=team&occupation=31-1131.00")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in response.text
    monkeypatch.undo()
    text = 'A course "quoted" <img src=x onerror=alert(1)> on welding steel with MIG.'
    response = client.post("/designer/report", data={"description": text})
    assert response.status_code == 200
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.text


# ---------------------------------------------------------------------- downloads
def test_downloads_of_a_catalogued_credential(client: TestClient) -> None:
    response = client.get("/designer/report.csv?credential=cna")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="alignment-cna.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and {r["section"] for r in rows} <= {"covered", "missing", "rarely demanded",
                                                     "suggested"}
    response = client.get("/designer/report.html?credential=cna")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"] == 'attachment; filename="alignment-cna.html"'
    assert "<h1>Alignment: Nurse Aide</h1>" in response.text
    assert 'src="data:image/svg+xml;base64,' in response.text  # the file stands alone
    response = client.get("/designer/alignment-ob3.json?credential=cna")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == (
        'attachment; filename="alignment-cna-ob3.json"')
    data = json.loads(response.text)
    assert data["standard"] == "ob3" and data["credential"]["id"] == "cna"
    assert data["alignment"] and all(a["type"] == ["Alignment"] for a in data["alignment"])
    assert data["provenance"]["model"]


def test_downloads_of_pasted_text(client: TestClient) -> None:
    form = {"description": "Take vital signs and administer CPR in clinical rotations.",
            "region": "TX"}
    response = client.post("/designer/report.csv", data=form)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="alignment-description.csv"')
    assert response.text.startswith("section,id,label,taxonomy")
    response = client.post("/designer/report.html", data=form)
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "<h1>Alignment: Take vital signs" in response.text


def test_a_download_without_its_subject_is_a_page(client: TestClient) -> None:
    page = html_page(client.get("/designer/alignment-ob3.json"), 422)
    assert "a pasted description has none" in page.text
    page = html_page(client.get("/designer/report.csv?credential=missing-one"), 404)
    assert "missing-one" in page.text
    page = html_page(client.post("/designer/report.csv", data={"description": " "}), 422)
    assert "paste a description" in page.text.lower()


# ------------------------------------------------------------------------- errors
def test_an_unknown_credential_is_a_page(client: TestClient) -> None:
    page = html_page(client.get("/designer/report?credential=zz-nothing"), 404)
    [alert] = [d for d in page.tags["div"] if d.get("role") == "alert"]
    assert alert
    assert "zz-nothing" in page.text and "Pick a credential from the list" in page.text
    assert page.tags["select"]  # the form is there to try again


def test_no_credential_picked(client: TestClient) -> None:
    page = html_page(client.get("/designer/report"), 422)
    assert "Pick a credential from the list" in page.text


def test_an_unknown_occupation_is_a_page_that_keeps_the_text(client: TestClient) -> None:
    text = "Weld steel with MIG welding."
    response = client.post("/designer/report",
                           data={"description": text, "occupation": "zzyzx qwerty"})
    page = html_page(response, 404)
    assert "zzyzx qwerty" in page.text and "Try the occupation's code" in page.text
    assert text in response.text  # the pasted text is kept in its form, not the other
    values = {f.get("id"): f.get("value") for f in page.fields()}
    assert values["paste-occupation"] == "zzyzx qwerty" and values["pick-occupation"] == ""


def test_an_empty_description(client: TestClient) -> None:
    page = html_page(client.post("/designer/report", data={"description": "  "}), 422)
    assert "paste a description" in page.text.lower()


def test_a_description_over_the_limit(client: TestClient) -> None:
    page = html_page(client.post("/designer/report", data={"description": "weld " * 4001}),
                     422)
    assert "paste at most 20,000" in page.text
    body = "description=" + "x" * (300 * 1024)
    page = html_page(client.post("/designer/report", content=body, headers=FORM), 413)
    assert "too long to send" in page.text


def test_a_post_that_is_not_a_form(client: TestClient) -> None:
    response = client.post("/designer/report", json={"description": "weld"})
    page = html_page(response, 415)
    assert "takes the form" in page.text
    response = client.post("/designer/report", content=b"description=%ff%fe", headers=FORM)
    html_page(response, 400)


def test_a_field_over_its_length(client: TestClient) -> None:
    page = html_page(client.get("/designer/report?credential=cna&region=" + "T" * 101), 422)
    assert "region is longer than 100" in page.text


def test_pages_are_fast_once_warm(client: TestClient) -> None:
    import time

    client.get("/designer/report?credential=weld")
    for url in ("/designer", "/designer/report?credential=weld"):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        assert time.perf_counter() - start < 1.0, url  # 300 ms budget; slack for CI load


def test_templates_are_packaged() -> None:
    """The package data globs cover the designer's templates and styles."""
    root = Path(__file__).parents[2] / "src" / "skillmatch" / "web"
    assert (root / "templates" / "designer" / "index.html").exists()
    assert (root / "templates" / "designer" / "report.html").exists()
    assert (root / "static" / "designer.css").exists()


def test_a_large_catalogue_is_a_text_field(client: TestClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from skillmatch.web import designer

    monkeypatch.setattr(designer, "SELECT_UP_TO", 2)
    page = html_page(client.get("/designer"))
    assert "select" not in page.tags
    [field] = [f for f in page.fields() if f.get("id") == "credential"]
    assert field["name"] == "credential" and "required" in field
    assert "3 credentials are catalogued, too many to list" in page.text
    page = html_page(client.get("/designer/report?credential=Welding+I"))
    assert page.headings[0][1] == "Alignment: Welding I"
