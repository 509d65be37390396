"""The counselor pages through FastAPI's TestClient on the API tests' small workspace
(fake embedder) plus three credentials of our own: one with no cost or hours given, one
teaching nothing employers ask for, one with markup in its title. Each route: what it
shows, the filters applied, unknown cost shown as unknown, empty results explained,
compare's bounds, errors as pages (never JSON), user input escaped, and the time each
page takes."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from skillmatch.app import SkillMatch
from skillmatch.web import counselor
from tests.api.conftest import build_workspace

EXTRA = [
    {"id": "mystery", "title": "Patient Care Workshop", "type": "course",
     "delivery": "in person", "region": "TX-Houston",
     "description": "Take vital signs and administer CPR to patients."},
    {"id": "maker", "title": "Maker Lab Badge", "type": "badge", "cost": 25, "hours": 12,
     "delivery": "in person", "region": "NY-New York",
     "description": "Operate 3D printers to produce prototypes in a maker space."},
    {"id": "markup", "title": "Shop <b>Safety</b> & Teams", "type": "certificate",
     "cost": 40, "hours": 6, "delivery": "hybrid", "region": "OH-Columbus",
     "description": "Work in teams on MIG welding projects."},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SkillMatch]:
    home = tmp_path_factory.mktemp("counselor") / "ws"
    engine = build_workspace(home)
    extra = home.parent / "extra.jsonl"
    extra.write_text("\n".join(json.dumps(c) for c in EXTRA))
    engine.import_records("credential", extra)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def client(engine: SkillMatch) -> Iterator[TestClient]:
    from skillmatch.api import create_app

    app = create_app(engine=engine)
    with TestClient(app) as client:
        assert app.state.readiness.wait(60), app.state.readiness.error
        yield client


def html(client: TestClient, url: str, status: int = 200) -> str:
    """The page at ``url``: HTML (never JSON), of ``status``."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:800])
    assert response.headers["content-type"].startswith("text/html"), response.headers
    assert "<main" in response.text and "Traceback" not in response.text
    return response.text


def main_of(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def text_of(page: str) -> str:
    """The main content as text, tags dropped, entities and spaces as read."""
    import html as html_lib

    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", main_of(page))).split())


def cards(page: str) -> list[str]:
    """Each result card's title, in order."""
    import html as html_lib

    return [html_lib.unescape(t) for t in
            re.findall(r'<h3 id="r\d+-title">(.*?)</h3>', page, flags=re.S)]


def card_of(page: str, title: str) -> str:
    """The HTML of the result card titled ``title`` (escaped as in the page)."""
    [card] = [c for c in page.split('<li class="card result"')[1:] if f">{title}</h3>" in c]
    return card


class Fields(HTMLParser):
    """The form fields of a page and the labels pointing at them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict[str, str | None]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") not in (
                "hidden", "submit"):
            self.fields.append(a)
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))


# ------------------------------------------------------------------------ the search

def test_the_form_alone_has_every_field_labelled(client: TestClient) -> None:
    page = html(client, "/counselor")
    assert "<h1>Find credentials</h1>" in page
    assert 'method="get" action="/counselor"' in page
    parser = Fields()
    parser.feed(page)
    names = {f["name"] for f in parser.fields}
    assert {"q", "occupation", "skill", "max_cost", "free", "max_hours", "type", "delivery",
            "region", "in_demand", "unknown_cost", "unknown_hours", "sort"} <= names
    unlabelled = [f for f in parser.fields if f.get("id") not in parser.labels]
    assert not unlabelled, unlabelled
    assert 'data-suggest="/v1/occupations?q="' in page and 'list="occupation-suggestions"' in page
    assert page.count('data-suggest="/v1/skills?q="') == counselor.SKILL_FIELDS
    assert "/static/counselor.css" in page
    assert "Start with what you know" in page and "result-list" not in page


def test_a_search_shows_cards_with_cost_length_skills_and_why(client: TestClient) -> None:
    page = html(client, "/counselor?occupation=31-1131.00")
    titles = cards(page)
    assert "Nurse Aide" in titles
    card = card_of(page, "Nurse Aide")
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    assert "Cost free" in text and "Length 120 h" in text
    assert "Delivery in person" in text and "Region TX-Houston" in text
    # in-demand skills as chips shaded by weight, the figure written out too
    assert re.search(r'class="chip d[1-4]">take vital signs <span class="figure">demand '
                     r'\d\.\d\d</span>', card)
    # the why: score parts, demand figures and the postings behind them
    assert '<details class="why">' in card
    assert "Relevance" in text and "Value" in text and "skill fit" in text
    assert "Demand for the skills it teaches" in text and "Postings and needs" in text
    assert "Nursing Assistant (TX-Houston, 2026-10-01)" in text
    assert 'name="ids" value="cna" form="compare-form"' in card


def test_the_occupation_says_what_it_was_resolved_from(client: TestClient) -> None:
    text = text_of(html(client, "/counselor?occupation=Nurse+Aide"))
    assert "Target job: Nursing Assistants (31-1131.00), found from “Nurse Aide”" in text
    assert "See a pathway toward this job" in text
    page = html(client, "/counselor?occupation=Nurse+Aide")
    assert "/counselor/pathway?occupation=31-1131.00" in page
    # a title two taxonomies carry: the one with postings behind it, the other offered
    page = html(client, "/counselor?occupation=Certified+Nursing+Assistant")
    text = text_of(page)
    assert "Target job: Nursing Assistants (31-1131.00)" in text
    assert "Did you mean another job? nursing assistant (o:nurse)" in text
    assert 'href="/counselor?occupation=o%3Anurse"' in page


def test_known_skills_counted_and_unrecognized_ones_said(client: TestClient) -> None:
    text = text_of(html(client, "/counselor?occupation=31-1131.00&skill=CPR,+zzqxv"
                                "&skill=take+vital+signs"))
    assert "Counted as skills the student has: perform cardiopulmonary resuscitation" in text
    assert "Not recognized as skills, so not counted: zzqxv" in text
    page = html(client, "/counselor?occupation=31-1131.00&skill=CPR,+zzqxv")
    # the boxes keep what was typed, one skill a box, and one empty box more
    assert len(re.findall(r'id="skill-\d" name="skill"', page)) == 3
    assert 'value="zzqxv"' in page


@pytest.mark.parametrize(("query", "present", "absent"), [
    ("max_cost=100", {"Nurse Aide", "Teamwork Badge"}, {"Welding I", "Patient Care Workshop"}),
    ("free=1&max_cost=900", {"Nurse Aide", "Teamwork Badge"}, {"Welding I", "Maker Lab Badge"}),
    ("max_hours=15", {"Teamwork Badge", "Maker Lab Badge"}, {"Nurse Aide", "Welding I"}),
    ("type=badge", {"Teamwork Badge", "Maker Lab Badge"}, {"Nurse Aide", "Welding I"}),
    ("type=badge&type=certificate", {"Welding I", "Maker Lab Badge"}, {"Nurse Aide"}),
    ("delivery=online", {"Teamwork Badge"}, {"Nurse Aide", "Welding I"}),
    ("region=OH", {"Welding I", "Teamwork Badge"}, {"Nurse Aide", "Maker Lab Badge"}),
])
def test_filters_are_applied(client: TestClient, query: str, present: set[str],
                             absent: set[str]) -> None:
    page = html(client, f"/counselor?q=care+and+teamwork&{query}")
    titles = set(cards(page))
    assert present <= titles, titles
    assert not absent & titles, titles
    assert "Filters:" in text_of(page)


def test_in_demand_only_keeps_credentials_teaching_what_is_asked_for(
        client: TestClient) -> None:
    everything = cards(html(client, "/counselor?occupation=31-1131.00"))
    assert "Maker Lab Badge" in everything
    page = html(client, "/counselor?occupation=31-1131.00&in_demand=1")
    assert "Maker Lab Badge" not in cards(page) and "Nurse Aide" in cards(page)
    assert "Filters: in-demand only" in text_of(page)


def test_unknown_cost_and_hours_are_shown_as_unknown(client: TestClient) -> None:
    page = html(client, "/counselor?q=vital+signs")
    card = card_of(page, "Patient Care Workshop")
    facts = card[:card.index("</dl>")]
    assert "<dt>Cost</dt><dd>unknown</dd>" in facts
    assert "<dt>Length</dt><dd>unknown</dd>" in facts
    # a maximum leaves it out unless asked for; asked, it comes back still unknown
    assert "Patient Care Workshop" not in cards(html(client, "/counselor?q=vital+signs"
                                                             "&max_cost=500"))
    assert "Patient Care Workshop" in cards(html(client, "/counselor?q=vital+signs"
                                                         "&max_cost=500&unknown_cost=1"))
    assert "Patient Care Workshop" not in cards(html(client, "/counselor?q=vital+signs"
                                                             "&max_hours=500"))
    assert "Patient Care Workshop" in cards(html(client, "/counselor?q=vital+signs"
                                                         "&max_hours=500&unknown_hours=1"))


def test_sorting_by_cost_and_hours(client: TestClient) -> None:
    by_cost = cards(html(client, "/counselor?q=care&sort=cost"))
    assert by_cost.index("Welding I") > by_cost.index("Nurse Aide")
    assert by_cost[-1] == "Patient Care Workshop"  # unknown cost last
    assert by_cost.index("Maker Lab Badge") < by_cost.index("Welding I")
    by_hours = cards(html(client, "/counselor?q=care&sort=hours"))
    assert by_hours[0] == "Shop <b>Safety</b> & Teams"  # 6 h
    assert by_hours[-1] == "Patient Care Workshop"
    page = html(client, "/counselor?q=care&sort=hours")
    assert re.search(r'aria-current="true">Fewest hours</a>', page)


def test_pages_of_results(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(counselor, "PER_PAGE", 2)
    first = html(client, "/counselor?q=care")
    second = html(client, "/counselor?q=care&page=2")
    assert len(cards(first)) == 2 and len(cards(second)) == 2
    assert not set(cards(first)) & set(cards(second))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert "/counselor?q=care&amp;page=2" in first
    assert 'rel="prev"' in second and "Credentials 3–4" in text_of(second)
    assert '<ol class="result-list" start="3">' in second
    far = html(client, "/counselor?q=care&page=9")
    assert "fewer results than that" in text_of(far) and not cards(far)


def test_empty_results_say_which_filter_to_widen(client: TestClient) -> None:
    page = html(client, "/counselor?q=care&type=license&region=TX")
    text = text_of(page)
    assert "No credentials found" in text and not cards(page)
    assert "Search without “type license”" in text
    assert "Search without “region TX”" not in text  # removing it alone brings nothing
    assert 'href="/counselor?q=care&amp;region=TX"' in page
    # a maximum names the unknown-cost switch as a way to widen
    page = html(client, "/counselor?q=care&type=apprenticeship&max_cost=5")
    assert "include them" in text_of(page)


def test_empty_results_when_only_clearing_every_filter_helps(client: TestClient) -> None:
    # the one course is in Texas and in person, the one hybrid credential in Ohio, the
    # New York ones a badge and online: any two of the three filters leave nothing
    page = html(client, "/counselor?q=care&type=course&delivery=hybrid&region=NY")
    text = text_of(page)
    assert "No credentials found" in text and "Search without" not in text
    assert "removing any one of them is not enough" in text
    assert "Search with no filters" in text and 'href="/counselor?q=care"' in page


def test_a_bad_number_is_said_beside_its_field(client: TestClient) -> None:
    page = html(client, "/counselor?q=care&max_cost=lots", status=422)
    text = text_of(page)
    assert "Max cost: 'lots' is not a number" in text
    assert 'aria-invalid="true"' in page and 'value="lots"' in page
    page = html(client, "/counselor?q=care&max_hours=-3", status=422)
    assert "Max hours must be a number of zero or more" in text_of(page)
    page = html(client, "/counselor?q=care&type=spaceship", status=422)
    assert "Type 'spaceship' is not one we know" in text_of(page)
    # a dollar sign and thousands separators are read
    assert "Welding I" in cards(html(client, "/counselor?q=welding&max_cost=%241%2C000"))


def test_an_unknown_job_is_said_beside_the_form(client: TestClient) -> None:
    page = html(client, "/counselor?occupation=zz-qq-nonsense", status=404)
    assert "No occupation matches" in text_of(page)
    assert 'id="occupation-error"' in page and 'value="zz-qq-nonsense"' in page


def test_user_input_is_escaped(client: TestClient) -> None:
    evil = "<script>alert(1)</script>"
    for url, status in ((f"/counselor?q={evil}", 200),
                        (f"/counselor?occupation={evil}", 404),
                        (f"/counselor?q=x&max_cost={evil}", 422),
                        (f"/counselor?q=x&region={evil}&type=license", 200),
                        (f"/counselor/pathway?occupation={evil}", 404),
                        (f"/counselor/compare?ids={evil}&ids=cna", 404),
                        (f"/counselor/summary?q={evil}&ids=nope{evil}", 200)):
        page = html(client, url, status)
        assert evil not in page, url
        assert "&lt;script&gt;" in page, url
    # a credential's own markup is text too
    page = html(client, "/counselor?q=welding")
    assert "Shop &lt;b&gt;Safety&lt;/b&gt; &amp; Teams" in page and "<b>Safety" not in page


def test_nothing_asked_is_the_form_and_long_text_is_refused(client: TestClient) -> None:
    page = html(client, "/counselor?q=&occupation=&skill=")
    assert "Start with what you know" in page
    page = html(client, "/counselor?q=" + "a" * (counselor.MAX_TEXT + 1), status=422)
    assert "too long" in text_of(page)


# ------------------------------------------------------------------------ compare

def test_compare_two_side_by_side(client: TestClient) -> None:
    page = html(client, "/counselor/compare?ids=cna&ids=weld&occupation=31-1131.00")
    text = text_of(page)
    assert "<table" in page and '<th scope="row">Cost</th>' in page
    assert "Nurse Aide" in text and "Welding I" in text
    assert "free lowest" in text and "$900" in text
    assert "Nursing Assistants (31-1131.00)" in text
    assert "In-demand skills covered" in text and "In-demand skills missing" in text
    assert "take vital signs" in text
    assert re.search(r"\d+% highest", text)
    assert "/counselor/summary?occupation=31-1131.00&amp;ids=cna&amp;ids=weld" in page
    three = html(client, "/counselor/compare?ids=cna&ids=weld&ids=team")
    assert "3 credentials side by side" in text_of(three)


@pytest.mark.parametrize("query", ["", "ids=cna", "ids=cna&ids=cna",
                                   "ids=cna&ids=weld&ids=team&ids=maker"])
def test_compare_needs_two_or_three(client: TestClient, query: str) -> None:
    page = html(client, f"/counselor/compare?{query}&q=care", status=400)
    text = text_of(page)
    assert "Choose two or three credentials to compare" in text
    assert "<table" not in page
    assert 'href="/counselor?q=care"' in page


def test_compare_an_unknown_credential_is_a_page(client: TestClient) -> None:
    page = html(client, "/counselor/compare?ids=cna&ids=nope", status=404)
    assert "No credential with id 'nope'" in text_of(page)


# ------------------------------------------------------------------------ pathway

def test_pathway_steps_coverage_and_totals(client: TestClient) -> None:
    page = html(client, "/counselor/pathway?occupation=Nurse+Aide&by=cost")
    text = text_of(page)
    assert "Pathway toward Nursing Assistants" in text
    assert "found from “Nurse Aide”" in text
    assert re.search(r"Coverage after this step \d+%", text)
    assert "Total cost free" in text and "Total hours 130 h" in text
    assert "Nurse Aide" in text and "New skills:" in text
    assert "What stays uncovered" in text


def test_pathway_short_of_its_target_says_why(client: TestClient) -> None:
    page = html(client, "/counselor/pathway?occupation=31-1131.00&max_cost=0&region=OH")
    text = text_of(page)
    assert "fall short of the target" in text
    assert "Uncovered demand, by why" in text
    assert "Only credentials the filters leave out teach these" in text
    assert "taught only by credentials your filters leave out (free only; region OH)" \
        in text
    assert "taught by Welding I, cost $900" in text
    assert "taught by Patient Care Workshop, cost unknown" in text


def test_pathway_form_and_errors(client: TestClient) -> None:
    assert "Choose a job" in text_of(html(client, "/counselor/pathway"))
    page = html(client, "/counselor/pathway?occupation=31-1131.00&by=speed", status=422)
    assert "Order the steps by cost or by hours" in text_of(page)
    page = html(client, "/counselor/pathway?occupation=zz-nonsense", status=404)
    assert "No occupation matches" in text_of(page)
    by_hours = html(client, "/counselor/pathway?occupation=31-1131.00&by=hours")
    assert 'id="by-hours" name="by" value="hours" checked' in by_hours


# ------------------------------------------------------------------------ summary

def test_summary_of_chosen_credentials(client: TestClient) -> None:
    page = html(client, "/counselor/summary?occupation=31-1131.00&ids=cna&ids=weld")
    text = text_of(page)
    assert "Credentials to consider" in text
    assert time.strftime("%Y") in text  # dated
    assert "1. Nurse Aide" in text and "2. Welding I" in text
    assert "Cost: free" in text and "Length: 120 h" in text and "Cost: $900" in text
    assert "Skills employers ask for that it teaches" in text and "Why:" in text
    assert "Target job: Nursing Assistants (31-1131.00)" in text
    assert "Where these figures come from" in text and "fake" in text  # the model named
    assert "<form" not in main_of(page)  # nothing to fill in on paper
    assert 'class="no-print"' in page and "/static/counselor.css" in page


def test_summary_without_ids_is_the_first_page(client: TestClient) -> None:
    page = html(client, "/counselor/summary?q=care&max_cost=100")
    text = text_of(page)
    assert "The 4 best matches" in text or "best matches" in text
    assert "Filter: cost at most $100" in text and "Welding I" not in text


def test_summary_of_credentials_outside_the_search(client: TestClient) -> None:
    page = html(client, "/counselor/summary?ids=weld&ids=nope")
    text = text_of(page)
    assert "Welding I" in text and "Teaches: weld metal parts" in text
    assert "Not among the best matches" in text
    assert "No credential with this id is in the catalogue" in text


def test_summary_of_nothing_is_a_page(client: TestClient) -> None:
    page = html(client, "/counselor/summary", status=400)
    assert "nothing to summarize" in text_of(page).lower()


# ------------------------------------------------------------------------ the server

def test_before_the_engine_is_ready_a_page_says_so(engine: SkillMatch) -> None:
    from skillmatch.api import create_app

    client = TestClient(create_app(engine=engine))  # no lifespan: never loaded
    response = client.get("/counselor?q=care")
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert response.headers["content-type"].startswith("text/html")
    assert "still loading" in response.text


def test_an_unexpected_error_is_a_page(client: TestClient, engine: SkillMatch,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("/secret/path exploded")

    monkeypatch.setattr(type(engine), "recommend", broken)
    page = html(client, "/counselor?q=care", status=500)
    assert "Something went wrong" in page and "/secret/path" not in page


@pytest.mark.parametrize("url", [
    "/counselor", "/counselor?q=care+and+teamwork&max_cost=500&sort=cost",
    "/counselor?occupation=31-1131.00&in_demand=1",
    "/counselor/compare?ids=cna&ids=weld&ids=team", "/counselor/pathway?occupation=31-1131.00",
    "/counselor/summary?q=care&ids=cna&ids=weld"])
def test_each_page_is_fast(client: TestClient, url: str) -> None:
    html(client, url, status=200)  # warm: templates compiled, first computations done
    started = time.perf_counter()
    html(client, url, status=200)
    elapsed = time.perf_counter() - started
    assert elapsed < 0.3, f"{url} took {elapsed * 1000:.0f} ms"


def test_the_static_files_are_served(client: TestClient) -> None:
    root = Path(counselor.__file__).parent / "static"
    for name in ("counselor.css", "counselor.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.text == (root / name).read_text(encoding="utf-8")
