"""The employer pages in a real browser (Debian's Chromium, headless) against a real server
on the built-in sample: an employer signs in with its key, posts a need typing its skills
(suggestions as it types), reads what each was understood as and the credentials that
teach them, corrects a wrong link, edits and deletes its need, uploads a file of
postings and follows the job to its summary. Screenshots of each page at phone and
desktop width; axe-core finds no serious or critical violation on any of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import Server, console_errors, goto, set_viewport

ROLE = "Certified Nursing Assistant (nights)"
REQUIRED = "CPR, take vital signs"
PREFERRED = "charting, night shifts"


def wait(driver: Any, seconds: float = 20) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def sign_in(driver: Any, server: Server, key: str | None = None) -> None:
    goto(driver, server.url + "/employer")
    field = driver.find_element(By.ID, "f-key")
    field.send_keys(key or server.employer_key)
    field.send_keys(Keys.ENTER)
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".employer-bar")))


def main_text(driver: Any) -> str:
    return " ".join(driver.find_element(By.ID, "main").text.split())


def fits_a_phone(driver: Any) -> None:
    set_viewport(driver, "phone")
    try:
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= 390, f"{driver.current_url} scrolls sideways at 390 px ({scroll} px)"
    finally:
        set_viewport(driver, "desktop")


def check_page(driver: Any, name: str, screenshot: Any, assert_accessible: Any) -> None:
    """Screenshots at both widths, no sideways scroll on a phone, and axe-core at both."""
    screenshot(driver, name)
    assert_accessible(driver, name=f"{name}-desktop")
    fits_a_phone(driver)
    set_viewport(driver, "phone")
    try:
        assert_accessible(driver, name=f"{name}-phone")
    finally:
        set_viewport(driver, "desktop")


def understood(driver: Any) -> dict[str, dict[str, str]]:
    """The table of what the need was understood as: phrase -> its row's cells."""
    rows = {}
    for tr in driver.find_elements(By.CSS_SELECTOR, "table.skills tbody tr"):
        cells = tr.find_elements(By.TAG_NAME, "td")
        rows[cells[0].text.strip()] = {"label": cells[1].find_element(By.TAG_NAME,
                                                                       "strong").text,
                                       "skill": cells[1].text, "taxonomy": cells[2].text,
                                       "score": cells[3].text, "role": cells[4].text}
    return rows


def row_of(driver: Any, phrase: str) -> Any:
    for tr in driver.find_elements(By.CSS_SELECTOR, "table.skills tbody tr"):
        if tr.find_element(By.TAG_NAME, "td").text.strip() == phrase:
            return tr
    raise AssertionError(f"no row for {phrase!r} in {understood(driver)}")


def post_need(driver: Any) -> str:
    """Fill the need form as a person would; the need's page's path."""
    driver.find_element(By.LINK_TEXT, "Post a need").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "f-role")))
    driver.find_element(By.ID, "f-role").send_keys(ROLE)
    required = driver.find_element(By.ID, "f-required_skills")
    required.send_keys("CPR, take vit")
    # the suggestions come from the API's autocomplete for the words after the comma,
    # keeping what was typed before it
    wait(driver).until(lambda d: any(
        (o.get_attribute("value") or "").startswith("CPR, ")
        and "vital signs" in (o.get_attribute("value") or "")
        for o in d.find_elements(By.CSS_SELECTOR, "#skill-suggestions option")))
    required.send_keys(Keys.CONTROL, "a")
    required.send_keys(REQUIRED)
    driver.find_element(By.ID, "f-preferred_skills").send_keys(PREFERRED)
    openings = driver.find_element(By.ID, "f-openings")
    openings.clear()
    openings.send_keys("3")
    driver.find_element(By.ID, "f-region").send_keys("TX-Houston")
    driver.find_element(By.ID, "f-occupation").send_keys("31-1131.00")
    return driver.current_url  # type: ignore[no-any-return]


@pytest.fixture
def signed(driver: Any, server: Server) -> Any:
    sign_in(driver, server)
    return driver


def test_an_employer_posts_a_need_corrects_a_link_and_sees_its_credentials(
        signed: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    driver = signed
    assert "Signed in as Bayou Senior Living" in main_text(driver)
    check_page(driver, "employer-home", screenshot, assert_accessible)
    post_need(driver)
    check_page(driver, "employer-need-form", screenshot, assert_accessible)
    driver.find_element(By.CSS_SELECTOR, "form.record-form button[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.skills")))
    text = main_text(driver)
    assert "Your need is posted" in text and ROLE in text
    # what each phrase was understood as: its label, its taxonomy, its score
    rows = understood(driver)
    assert rows["CPR"]["label"] == "perform cardiopulmonary resuscitation"
    assert rows["take vital signs"]["label"] == "monitor patient's vital signs"
    assert rows["CPR"]["taxonomy"] == "demo" and rows["CPR"]["role"] == "required"
    assert all(0 < float(r["score"]) <= 1 for r in rows.values())
    # and what could not be linked
    unlinked = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "ul.chips li")
                if c.text == "night shifts"]
    assert unlinked, text
    # the credentials that teach them, and where they are offered
    cards = driver.find_elements(By.CSS_SELECTOR, "ol.credentials > li")
    assert cards, "no credential is shown for the need"
    first = " ".join(cards[0].text.split())
    assert "Offered" in first and ("free" in first or "$" in first or "unknown" in first)
    titles = [c.find_element(By.TAG_NAME, "h3").text for c in cards]
    assert any("Nurse Aide" in t or "CNA" in t for t in titles), titles
    assert "Occupation 31-1131.00" in text  # (the sample loads no occupation titles)
    check_page(driver, "employer-need", screenshot, assert_accessible)

    # correct a wrong link: "charting" means health records here, not data visualisation
    row = row_of(driver, "charting")
    wrong_label = understood(driver)["charting"]["label"]
    replace = row.find_element(By.CSS_SELECTOR, "details.replace")
    replace.find_element(By.TAG_NAME, "summary").click()
    field = replace.find_element(By.CSS_SELECTOR, "input[name=with]")
    field.send_keys("use electronic health records")
    replace.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys(
        "charting: documenting care")
    replace.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "correction-saved")))
    saved = " ".join(driver.find_element(By.ID, "correction-saved").text.split())
    assert "“charting” now means use electronic health records" in saved
    assert "pending review" in saved
    rows = understood(driver)
    assert rows["charting"]["label"] == "use electronic health records"
    assert "corrected, pending review" in rows["charting"]["skill"]
    assert wrong_label != "use electronic health records"
    assert driver.find_elements(By.CSS_SELECTOR, "ol.credentials > li")  # still shown
    assert "charting" in driver.find_element(By.ID, "corrections").find_element(
        By.XPATH, "following::table").text
    check_page(driver, "employer-corrected", screenshot, assert_accessible)

    # "Wrong": a link dropped, then the phrase is among those not linked
    row_of(driver, "take vital signs").find_element(
        By.CSS_SELECTOR, "form.inline button").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "correction-saved")))
    assert "take vital signs" not in understood(driver)
    assert "take vital signs" in [c.text for c in driver.find_elements(
        By.CSS_SELECTOR, "ul.chips li")]
    assert not console_errors(driver)


def test_an_employer_lists_edits_and_deletes_its_need(
        signed: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    driver = signed
    post_need(driver)
    role = driver.find_element(By.ID, "f-role")
    role.clear()
    role.send_keys("Weekend CNA")
    driver.find_element(By.CSS_SELECTOR, "form.record-form button[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.skills")))
    page = driver.current_url.split("?")[0]
    driver.find_element(By.LINK_TEXT, "Your needs").click()
    wait(driver).until(ec.title_contains("Your needs"))
    link = driver.find_element(By.LINK_TEXT, "Weekend CNA")
    check_page(driver, "employer-needs", screenshot, assert_accessible)
    link.click()
    driver.find_element(By.LINK_TEXT, "Edit").click()
    openings = wait(driver).until(ec.presence_of_element_located((By.ID, "f-openings")))
    assert driver.find_element(By.ID, "f-role").get_attribute("value") == "Weekend CNA"
    assert driver.find_element(By.ID, "f-required_skills").get_attribute(
        "value") == REQUIRED
    check_page(driver, "employer-need-edit", screenshot, assert_accessible)
    openings.clear()
    openings.send_keys("6")
    driver.find_element(By.CSS_SELECTOR, "form.record-form button[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "dl.facts")))
    assert "Your changes are saved" in main_text(driver)
    assert "Openings 6" in " ".join(driver.find_element(By.CSS_SELECTOR, "dl.facts")
                                    .text.split())
    driver.find_element(By.LINK_TEXT, "Delete").click()
    wait(driver).until(ec.title_contains("Delete"))
    assert "This cannot be undone" in main_text(driver)
    check_page(driver, "employer-delete", screenshot, assert_accessible)
    driver.find_element(By.XPATH, "//button[normalize-space()='Yes, delete it']").click()
    wait(driver).until(ec.title_contains("Your needs"))
    assert "Deleted" in main_text(driver)
    assert not driver.find_elements(By.LINK_TEXT, "Weekend CNA")
    goto(driver, page)
    assert "Not found" in driver.title


def test_an_employer_uploads_postings_and_follows_the_job(
        signed: Any, server: Server, tmp_path: Path, screenshot: Any,
        assert_accessible: Any) -> None:
    driver = signed
    upload = tmp_path / "bayou-postings.csv"
    upload.write_text(
        "id,title,description,region,openings,date_posted\n"
        "bayou-web:1,Night CNA,Take vital signs and chart care; CPR certified.,TX-Houston,2,"
        "2026-11-03\n"
        "bayou-web:2,,A row without a title,TX-Houston,1,2026-11-03\n", encoding="utf-8")
    driver.find_element(By.LINK_TEXT, "Upload postings").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "f-file")))
    check_page(driver, "employer-upload", screenshot, assert_accessible)
    driver.find_element(By.ID, "f-file").send_keys(str(upload))
    driver.find_element(By.XPATH, "//button[normalize-space()='Upload']").click()
    wait(driver).until(ec.title_contains("Upload of bayou-postings.csv"))
    # the page reloads itself every 2 s until the job is done, then shows the summary
    wait(driver, 60).until(lambda d: "Rejected" in d.find_element(By.ID, "main").text
                           or "failed" in d.find_element(By.ID, "main").text)
    text = main_text(driver)
    assert "Done" in text and "Read as records" in text, text
    assert "Rejected 1" in text and "line 3" in text and "title" in text
    check_page(driver, "employer-import", screenshot, assert_accessible)


def test_sign_in_page_refuses_a_wrong_key_in_plain_words(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/employer/needs")
    assert driver.execute_script("return location.pathname") == "/employer/sign-in"
    check_page(driver, "employer-sign-in", screenshot, assert_accessible)
    field = driver.find_element(By.ID, "f-key")
    field.send_keys("smk_00000000_not-a-real-key")
    driver.find_element(By.XPATH, "//button[normalize-space()='Sign in']").click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "key-error")))
    assert "That key was not accepted" in main_text(driver)
    assert driver.find_element(By.ID, "f-key").get_attribute("aria-invalid") == "true"
    assert_accessible(driver, name="employer-sign-in-error")
    # the right key then takes the employer where it was going
    field = driver.find_element(By.ID, "f-key")
    field.send_keys(server.employer_key, Keys.ENTER)
    wait(driver).until(ec.title_contains("Your needs"))
    # the session cookie cannot be read by the page's scripts
    assert "skillmatch_employer" not in driver.execute_script("return document.cookie")
    cookie = driver.get_cookie("skillmatch_employer")
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_corrections_work_by_keyboard(signed: Any, server: Server) -> None:
    """Tab to a "Replace with…" disclosure, open it with Enter, type the skill there."""
    driver = signed
    post_need(driver)
    driver.find_element(By.CSS_SELECTOR, "form.record-form button[type=submit]").click()
    wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, "table.skills")))
    summary = row_of(driver, "CPR").find_element(By.CSS_SELECTOR, "details.replace summary")
    driver.execute_script("arguments[0].focus()", summary)
    body = driver.switch_to.active_element
    assert body == summary
    outline = driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle",
                                    summary)
    assert outline != "none", "the focused disclosure shows no focus"
    summary.send_keys(Keys.ENTER)
    details = row_of(driver, "CPR").find_element(By.CSS_SELECTOR, "details.replace")
    assert details.get_attribute("open") is not None
    summary.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert active.get_attribute("name") == "with"
