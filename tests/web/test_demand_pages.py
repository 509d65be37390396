"""The demand pages through FastAPI's TestClient, on the API tests' small workspace:
six nursing postings and a need (2026-10), three welding postings a year earlier
(2025-10) and a welding need (2026-09); the reference date is 2026-10-01. Top skills
with their filters and trends, tiers, a skill's series, errors as pages, empty states
explained, HTML escaping."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from skillmatch.api import create_app
from skillmatch.web.demand import bar_chart, trend_view
from tests.api.conftest import build_workspace
from tests.web.test_designer_pages import Page, html_page


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = build_workspace(tmp_path_factory.mktemp("demand") / "ws")
    app = create_app(engine=engine)
    with TestClient(app) as client:
        assert app.state.readiness.wait(60), app.state.readiness.error
        yield client
    engine.close()


def rows(page: Page) -> list[str]:
    """The skill labels of the top skills table, in order."""
    links = [a.get("href", "") for a in page.tags.get("a", [])]
    return [href for href in links if href.startswith("/demand/skill?")]


def skill_ids(page: Page) -> list[str]:
    return [re.search(r"id=([^&]+)", h).group(1).replace("%3A", ":")  # type: ignore[union-attr]
            for h in rows(page)]


def test_the_default_page_shows_the_last_three_months(client: TestClient) -> None:
    page = html_page(client.get("/demand"))
    [chosen] = [o for o in page.tags["option"] if "selected" in o and o["value"] in
                ("3m", "6m", "12m", "all", "custom")]
    assert chosen["value"] == "3m"
    assert "2026-07-03 to 2026-10-01" in page.text  # ends on the newest record's day
    assert {"s:cpr", "s:vitals"} <= set(skill_ids(page))
    assert "s:weld" in skill_ids(page)  # the welding need of 2026-09
    # nothing in the three months before: every trend is new, and the page says why
    assert "There are no postings or needs in that earlier period" in page.text
    assert "new: " in page.text


def test_trends_have_arrows_and_words(client: TestClient) -> None:
    page = html_page(client.get("/demand?window=12m"))
    assert "Trends compare 2025-10-02 to 2026-10-01 with" in page.text
    assert "2024-10-02 to 2025-10-01" in page.text
    cells = [t for t in page.tags["td"] if "trend" in t.get("class", "")]
    directions = {c["class"].split()[-1] for c in cells}
    assert {"up", "down"} <= directions
    # the welding postings were a year ago: down, with the change in words
    assert re.search(r"down \d+\.\d percentage points, from 100\.0% to \d+\.\d% of postings",
                     page.text)
    assert "new: 93.7% of postings now, none in the earlier period" in page.text
    assert "The earlier period has only 3 postings and needs" in page.text
    # the words are for screen readers; the arrow is hidden from them
    html = client.get("/demand?window=12m").text
    assert re.search(r'<span aria-hidden="true">▼ −\d+\.\d pts</span><span '
                     r'class="visually-hidden">down ', html)


def test_trend_words() -> None:
    assert trend_view({"share": 0.2, "previous_share": 0.1, "change": 0.1})["words"] == (
        "up 10.0 percentage points, from 10.0% to 20.0% of postings")
    flat = trend_view({"share": 0.2, "previous_share": 0.198, "change": 0.002})
    assert flat["direction"] == "flat" and flat["words"].startswith("about the same")
    down = trend_view({"share": 0.1, "previous_share": 0.11, "change": -0.01})
    assert down["direction"] == "down" and down["words"].startswith(
        "down 1.0 percentage point,")
    assert trend_view(None)["direction"] == "none"


def test_region_filter(client: TestClient) -> None:
    page = html_page(client.get("/demand?window=all&region=OH"))
    ids = skill_ids(page)
    assert "s:weld" in ids and "s:cpr" not in ids
    assert "Top skills in OH" in [t for _, t in page.headings]
    # the skill links keep the region
    assert all("region=OH" in href for href in rows(page))
    page = html_page(client.get("/demand?window=all&region=TX-Houston"))
    assert "s:cpr" in skill_ids(page) and "s:weld" not in skill_ids(page)


def test_dates_replace_the_period(client: TestClient) -> None:
    page = html_page(client.get("/demand?since=2025-09-01&until=2025-11-01"))
    assert "2025-09-01 to 2025-10-31" in page.text
    assert skill_ids(page) == ["s:weld", "s:teamwork"] or set(skill_ids(page)) == {
        "s:weld", "s:teamwork"}
    [chosen] = [o for o in page.tags["option"] if "selected" in o and o["value"] in
                ("3m", "6m", "12m", "all", "custom")]
    assert chosen["value"] == "custom"


def test_top_and_order(client: TestClient) -> None:
    page = html_page(client.get("/demand?window=all&top=2&order=share"))
    assert len(rows(page)) == 2
    assert "Ranked by share of postings and needs" in page.text


def test_an_occupation_shows_its_tiers(client: TestClient) -> None:
    page = html_page(client.get("/demand?occupation=31-1131.00&window=all"))
    headings = [t for _, t in page.headings]
    assert "Top skills of Nursing Assistants (31-1131.00)" in headings
    assert "Skills of Nursing Assistants by tier" in headings
    assert {"Necessary", "Defining", "Distinguishing"} <= set(headings)
    text = page.text
    necessary = text[text.index("Necessary"):text.index("Defining")]
    assert "perform cardiopulmonary resuscitation" in necessary
    assert "take vital signs" in necessary
    assert "asked for by at least 50.0% of its postings and needs" in text
    # by title too
    page = html_page(client.get("/demand?occupation=Nursing+Assistants&window=all"))
    assert "Top skills of Nursing Assistants (31-1131.00)" in [t for _, t in page.headings]


def test_too_few_postings_for_tiers_is_explained(client: TestClient) -> None:
    page = html_page(client.get("/demand?occupation=51-4121.00&window=all"))
    assert "Tiers need at least 5 postings and needs for the occupation; there are 4" \
        in page.text
    assert "Necessary" not in [t for _, t in page.headings]


def test_an_empty_slice_says_why_and_what_to_try(client: TestClient) -> None:
    page = html_page(client.get("/demand?region=CA-Fresno"))
    assert "No postings or needs match these choices" in page.text
    assert "a longer period (All dates)" in page.text and "the whole state (CA)" in page.text
    assert not rows(page)


def test_errors_are_pages_with_the_form(client: TestClient) -> None:
    page = html_page(client.get("/demand?since=2026-05-01&until=2026-01-01"), 422)
    assert "is not before the To date" in page.text
    assert [d for d in page.tags["div"] if d.get("role") == "alert"]
    [since] = [i for i in page.tags["input"] if i.get("id") == "since"]
    assert since["value"] == "2026-05-01"  # what was typed stays
    page = html_page(client.get("/demand?since=2026-13-45"), 422)
    assert "is not a date" in page.text
    page = html_page(client.get("/demand?top=lots"), 422)
    assert "whole number from 1 to 200" in page.text
    page = html_page(client.get("/demand?window=fortnight"), 422)
    assert "Unknown period “fortnight”" in page.text
    page = html_page(client.get("/demand?occupation=zzyzx+qwerty"), 404)
    assert "zzyzx qwerty" in page.text and "Try the occupation's code" in page.text
    page = html_page(client.get("/demand?region=" + "X" * 150), 422)
    assert "region is longer than 100" in page.text


def test_input_is_escaped(client: TestClient) -> None:
    response = client.get("/demand?region=%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    response = client.get("/demand/skill?skill=%3Cb%3Ex%3C/b%3E")
    assert "<b>x</b>" not in response.text and "&lt;b&gt;x&lt;/b&gt;" in response.text


# ------------------------------------------------------------------ one skill's series
def test_a_skills_share_by_month(client: TestClient) -> None:
    response = client.get("/demand/skill?id=s:cpr&interval=month")
    page = html_page(response)
    assert page.headings[0] == (1, "Demand for perform cardiopulmonary resuscitation over "
                                   "time")
    [svg] = page.tags["svg"]
    assert svg["role"] == "img" and svg["aria-labelledby"] == "chart-title chart-desc"
    assert len(page.tags["rect"]) == 12
    assert "highest in October 2026 at 100.0%" in page.text
    # the same figures in a table: a row per month, November 2025 to October 2026
    periods = [h for h in re.findall(r'<th scope="row">([^<]+)</th>', response.text)]
    assert periods[0] == "November 2025" and periods[-1] == "October 2026"
    assert len(periods) == 12
    assert "Asking for it" in page.text


def test_a_skills_share_by_quarter_and_year(client: TestClient) -> None:
    page = html_page(client.get("/demand/skill?id=s:weld&interval=quarter"))
    assert len(page.tags["rect"]) == 4
    assert "2026 Q3" in page.text
    page = html_page(client.get("/demand/skill?id=s:weld&interval=year&region=OH"))
    assert len(page.tags["rect"]) == 5
    assert "in OH" in page.text


def test_a_series_for_an_occupation(client: TestClient) -> None:
    page = html_page(client.get("/demand/skill?id=s:teamwork&occupation=51-4121.00"
                                "&since=2025-01-01&until=2027-01-01"))
    assert "for Welders, Cutters, Solderers, and Brazers (51-4121.00)" in page.text
    assert len(page.tags["rect"]) == 24


def test_a_skill_by_its_name(client: TestClient) -> None:
    page = html_page(client.get("/demand/skill?skill=CPR&region=TX"))
    assert page.headings[0][1] == "Demand for perform cardiopulmonary resuscitation over time"
    page = html_page(client.get("/demand/skill?skill=t"))  # several: a list to pick from
    assert "Skills that match “t”" in [t for _, t in page.headings]
    assert any(a.get("href", "").startswith("/demand/skill?id=") for a in page.tags["a"])


def test_skill_errors_are_pages(client: TestClient) -> None:
    page = html_page(client.get("/demand/skill?id=s:nothing"), 404)
    assert "s:nothing" in page.text and "Pick a skill" in page.text
    page = html_page(client.get("/demand/skill?skill=qqqqzzzz"), 404)
    assert "qqqqzzzz" in page.text
    page = html_page(client.get("/demand/skill"), 422)
    assert "name a skill to chart" in page.text.lower()
    page = html_page(client.get("/demand/skill?id=s:cpr&interval=week"), 422)
    assert "Unknown interval “week”" in page.text
    page = html_page(client.get("/demand/skill?id=s:cpr&since=1900-01-01"), 422)
    assert "More than 120 months" in page.text


def test_a_skill_no_one_asks_for_then(client: TestClient) -> None:
    page = html_page(client.get("/demand/skill?id=s:cpr&since=2020-01-01&until=2021-01-01"))
    assert "No postings or needs from January 2020 to December 2020" in page.text


def test_bar_chart_geometry() -> None:
    points = [{"start": f"2026-{m:02d}-01", "share": s, "postings": 1, "records": 4}
              for m, s in ((1, 0.0), (2, 0.1), (3, 0.245))]
    chart = bar_chart(points, "month")
    assert [t["text"] for t in chart["ticks"]] == ["0%", "5%", "10%", "15%", "20%", "25%"]
    heights = [b["h"] for b in chart["bars"]]
    assert heights[0] == 0 and heights[1] < heights[2] <= chart["base"] - chart["top"]
    assert [label["text"] for label in chart["labels"]] == ["Jan", "Feb", "Mar"]
    assert chart["labels"][0]["year"] == "2026" and not chart["labels"][1]["year"]


def test_pages_are_fast_once_warm(client: TestClient) -> None:
    for url in ("/demand", "/demand?occupation=31-1131.00", "/demand/skill?id=s:cpr"):
        client.get(url)
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        assert time.perf_counter() - start < 1.0, url  # 300 ms budget; slack for CI load
