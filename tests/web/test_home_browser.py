"""The home page in a real browser: what it says, where it sends each user, at phone and
desktop width, keyboard first, with no serious accessibility violation."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .conftest import Server, console_errors, emulate_print, goto, print_pdf, set_viewport

DOORS = {"/counselor": "Counselors", "/employer": "Employers", "/designer": "Program designers",
         "/demand": "Demand"}


def test_home_says_what_it_is_and_sends_each_user_to_a_page(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/")
    assert driver.title == "skillmatch"
    h1 = driver.find_elements(By.TAG_NAME, "h1")
    assert len(h1) == 1 and "credentials" in h1[0].text.lower()
    main = driver.find_element(By.CSS_SELECTOR, "main#main")
    links = {a.get_attribute("pathname"): a.text
             for a in main.find_elements(By.CSS_SELECTOR, "a[href]")}
    for path, words in DOORS.items():
        assert path in links, f"the home page has no link to {path}: {links}"
        assert words in links[path]
    # the navigation names every page, and the footer gives provenance and attribution
    nav = {a.get_attribute("pathname")
           for a in driver.find_elements(By.CSS_SELECTOR, "header nav a[href]")}
    assert set(DOORS) <= nav
    footer = driver.find_element(By.CSS_SELECTOR, "footer").text
    assert "ESCO" in footer and "O*NET" in footer and "skillmatch-minilm-v3" in footer
    assert not console_errors(driver)
    screenshot(driver, "home")
    assert_accessible(driver, name="home-desktop")
    set_viewport(driver, "phone")
    assert_accessible(driver, name="home-phone")


def test_home_fits_a_phone(driver: Any, server: Server) -> None:
    goto(driver, server.url + "/")
    set_viewport(driver, "phone")
    width = driver.execute_script("return document.documentElement.clientWidth")
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert width == 390
    assert scroll <= width, f"the page scrolls sideways at 390 px ({scroll} px wide)"
    for a in driver.find_elements(By.CSS_SELECTOR, "main a[href]"):
        assert a.is_displayed() and a.size["width"] <= 390


def test_keyboard_reaches_the_content_first(driver: Any, server: Server) -> None:
    """Tab once: the skip link, visibly focused; Enter moves focus to the main content."""
    goto(driver, server.url + "/")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = driver.switch_to.active_element
    assert "skip" in (active.get_attribute("class") or "")
    assert active.is_displayed()
    outline = driver.execute_script(
        "const s = getComputedStyle(arguments[0]);"
        "return [s.outlineStyle, s.outlineWidth, s.boxShadow]", active)
    assert outline[0] != "none" or outline[2] != "none", "the focused skip link shows no focus"
    active.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "main"


@pytest.mark.parametrize("path", sorted(DOORS))
def test_each_door_opens_a_page(driver: Any, server: Server, path: str) -> None:
    """Following a link from the home page gives a page of ours (not an error or JSON)."""
    goto(driver, server.url + "/")
    driver.find_element(By.CSS_SELECTOR, f'main a[href="{path}"]').click()
    assert driver.execute_script("return location.pathname") == path
    assert driver.find_elements(By.CSS_SELECTOR, "main#main"), driver.page_source[:500]
    assert driver.find_elements(By.TAG_NAME, "h1")


def test_home_prints_on_one_page(driver: Any, server: Server) -> None:
    """The print styles leave the navigation out and the home page fits one sheet."""
    goto(driver, server.url + "/")
    emulate_print(driver)
    try:
        nav = driver.find_element(By.CSS_SELECTOR, "header nav")
        assert not nav.is_displayed(), "the navigation shows in print"
    finally:
        emulate_print(driver, on=False)
    path, pages = print_pdf(driver, "home")
    assert path.stat().st_size > 1000 and pages == 1
