"""The program designer's pages in a real browser against a real server on the built-in
sample: picking a credential and reading its report, pasting a description, the
downloads answering with the right type as attachments, at phone and desktop width,
with no serious accessibility violation."""

from __future__ import annotations

import json
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import text_to_be_present_in_element
from selenium.webdriver.support.ui import Select, WebDriverWait

from .conftest import Server, console_errors, goto, set_viewport, wait_for

CREDENTIAL = "cred:maker-ed"  # the sample's designer example (skillmatch demo)
TITLE = "Maker Educator Micro-credential"
DESCRIPTION = ("Students learn to weld steel with MIG and TIG processes, read blueprints "
               "and welding symbols, and follow shop safety procedures. They cut and fit "
               "parts and inspect their welds.")

_FETCH = """
const done = arguments[arguments.length - 1];
const [url, body] = [arguments[0], arguments[1]];
const init = body === null ? {} : {method: "POST", body: body,
  headers: {"Content-Type": "application/x-www-form-urlencoded"}};
fetch(url, init).then(async r => done(JSON.stringify({status: r.status,
    type: r.headers.get("content-type"), disposition: r.headers.get("content-disposition"),
    text: (await r.text()).slice(0, 4000)})))
  .catch(e => done(JSON.stringify({error: String(e)})));
"""


def fetch(driver: Any, url: str, form_id: str | None = None) -> dict[str, Any]:
    """What the browser gets for ``url`` (a GET, or the form ``form_id`` POSTed)."""
    body = None
    if form_id is not None:
        body = driver.execute_script(
            "return new URLSearchParams(new FormData(document.getElementById(arguments[0])))"
            ".toString()", form_id)
    answer: dict[str, Any] = json.loads(driver.execute_async_script(_FETCH, url, body))
    assert "error" not in answer, answer
    return answer


def no_sideways_scroll(driver: Any) -> None:
    set_viewport(driver, "phone")
    try:
        width = driver.execute_script("return document.documentElement.clientWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{driver.current_url} scrolls sideways at {width} px"
    finally:
        set_viewport(driver, "desktop")


def test_designer_picks_a_credential_reads_and_downloads_its_report(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/designer")
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("How well does a program")
    screenshot(driver, "designer")
    assert_accessible(driver, name="designer-desktop")
    set_viewport(driver, "phone")
    assert_accessible(driver, name="designer-phone")
    set_viewport(driver, "desktop")
    no_sideways_scroll(driver)

    # pick the credential as a user does, and show its report
    Select(driver.find_element(By.ID, "credential")).select_by_visible_text(
        next(o.text for o in Select(driver.find_element(By.ID, "credential")).options
             if o.text.startswith(TITLE)))
    driver.find_element(By.CSS_SELECTOR, "#pick-form button[type=submit]").click()
    h1 = wait_for(driver, "h1")
    assert h1.text == f"Alignment: {TITLE}"
    assert driver.execute_script("return location.pathname + location.search") == (
        "/designer/report?credential=cred%3Amaker-ed&occupation=&region=")

    # the score, the chart (drawn, with its words), the sections a designer reads
    score = driver.find_element(By.CSS_SELECTOR, ".score-figure strong").text
    assert 0 <= float(score) <= 1
    chart = driver.find_element(By.CSS_SELECTOR, "figure.chart img")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth",
                                 chart) > 0
    assert "Bar chart" in chart.get_attribute("alt")
    headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "main h2")]
    for wanted in ("Gaps: in-demand skills it does not teach", "Taught but rarely asked for",
                   "Occupations it prepares for", "Similar credentials",
                   "Suggested additions", "Download this report"):
        assert wanted in headings
    gaps = driver.find_elements(By.CSS_SELECTOR,
                                "section[aria-labelledby=gaps-heading] tbody tr")
    assert gaps, "the sample's maker credential misses in-demand skills"
    demand = [float(row.find_elements(By.TAG_NAME, "td")[1].text) for row in gaps]
    assert demand == sorted(demand, reverse=True), "gaps are ranked by demand"
    assert driver.find_elements(By.CSS_SELECTOR,
                                "section[aria-labelledby=additions-heading] tbody tr")
    assert not console_errors(driver)
    screenshot(driver, "designer-report")
    assert_accessible(driver, name="designer-report-desktop")
    set_viewport(driver, "phone")
    assert_accessible(driver, name="designer-report-phone")
    set_viewport(driver, "desktop")
    no_sideways_scroll(driver)

    # every download link answers 200, as an attachment of the right type
    links = {a.text.split(" (")[0]: a.get_attribute("href") for a in driver.find_elements(
        By.CSS_SELECTOR, "ul.downloads a")}
    expected = {"The report as a web page": ("text/html", ".html"),
                "The skills as a spreadsheet": ("text/csv", ".csv"),
                "Badge alignment": ("application/json", "-ob3.json")}
    assert set(links) == set(expected), links
    for name, (media, suffix) in expected.items():
        answer = fetch(driver, links[name])
        assert answer["status"] == 200, (name, answer)
        assert answer["type"].startswith(media), (name, answer)
        assert answer["disposition"] == (
            f'attachment; filename="alignment-cred_maker-ed{suffix}"'), answer
    html = fetch(driver, links["The report as a web page"])["text"]
    assert f"<h1>Alignment: {TITLE}</h1>" in html
    csv_text = fetch(driver, links["The skills as a spreadsheet"])["text"]
    assert csv_text.startswith("section,id,label,taxonomy,demand_weight")
    badge = json.loads(fetch(driver, links["Badge alignment"])["text"])
    assert badge["credential"]["id"] == CREDENTIAL and badge["alignment"]


def test_designer_pastes_a_description(driver: Any, server: Server, screenshot: Any,
                                       assert_accessible: Any) -> None:
    goto(driver, server.url + "/designer")
    box = driver.find_element(By.ID, "description")
    box.send_keys(DESCRIPTION)
    region = driver.find_element(By.ID, "paste-region")
    region.send_keys("TX")
    driver.find_element(By.CSS_SELECTOR, "#paste-form button[type=submit]").click()
    # the form page's own h1 is there until the report replaces it: wait for the report's
    WebDriverWait(driver, 30).until(text_to_be_present_in_element(
        (By.CSS_SELECTOR, "h1"), "Alignment of your description"))
    h1 = wait_for(driver, "h1")
    assert h1.text == "Alignment of your description"
    assert DESCRIPTION[:60] in driver.find_element(By.CSS_SELECTOR, "blockquote.pasted").text
    taught = driver.find_element(By.CSS_SELECTOR,
                                 "section[aria-labelledby=covered-heading]").text
    assert "weld metal" in taught and "read blueprints" in taught
    # no badge alignment for text; the downloads post the text again
    assert not driver.find_elements(By.CSS_SELECTOR, "a[href*='alignment-ob3']")
    form = driver.find_element(By.CSS_SELECTOR, "form.downloads-form")
    form_id = driver.execute_script("arguments[0].id = 'downloads'; return arguments[0].id",
                                    form)
    answer = fetch(driver, "/designer/report.csv", form_id)
    assert answer["status"] == 200 and answer["type"].startswith("text/csv")
    assert answer["disposition"] == 'attachment; filename="alignment-description.csv"'
    assert "weld metal" in answer["text"]
    answer = fetch(driver, "/designer/report.html", form_id)
    assert answer["status"] == 200 and answer["type"].startswith("text/html")
    assert answer["disposition"].startswith("attachment;")
    assert not console_errors(driver)
    screenshot(driver, "designer-report-text")
    assert_accessible(driver, name="designer-report-text")
    no_sideways_scroll(driver)


def test_designer_by_keyboard_and_an_error_in_plain_words(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    """Keyboard only: choose a credential by typing, name an unknown occupation, press
    Enter; the page says what went wrong, keeps the choice, and offers the form again."""
    goto(driver, server.url + "/designer")
    select = driver.find_element(By.ID, "credential")
    select.send_keys("Forklift")
    chosen = Select(select).first_selected_option.get_attribute("value")
    assert chosen, "typing a title's start picks it"
    occupation = driver.find_element(By.ID, "pick-occupation")
    occupation.send_keys("zzyzx qwerty", Keys.ENTER)
    alert = wait_for(driver, "[role=alert]")
    assert "zzyzx qwerty" in alert.text and "Try the occupation's code" in alert.text
    assert Select(driver.find_element(By.ID, "credential")).first_selected_option \
        .get_attribute("value") == chosen
    assert driver.find_element(By.ID, "pick-occupation").get_attribute("value") == \
        "zzyzx qwerty"
    assert driver.find_element(By.ID, "paste-occupation").get_attribute("value") == ""
    screenshot(driver, "designer-error")
    assert_accessible(driver, name="designer-error")
