"""The demand pages in a real browser against a real server on the built-in sample:
filtering the top skills by region and period, reading the trends, opening a skill's
chart and changing its interval, an occupation's tiers (or why there are none), at
phone and desktop width, with no serious accessibility violation."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from .conftest import Server, console_errors, goto, set_viewport, wait_for


def no_sideways_scroll(driver: Any) -> None:
    set_viewport(driver, "phone")
    try:
        width = driver.execute_script("return document.documentElement.clientWidth")
        scroll = driver.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width, f"{driver.current_url} scrolls sideways at {width} px"
    finally:
        set_viewport(driver, "desktop")


def accessible_at_both_widths(driver: Any, assert_accessible: Any, name: str) -> None:
    assert_accessible(driver, name=f"{name}-desktop")
    set_viewport(driver, "phone")
    try:
        assert_accessible(driver, name=f"{name}-phone")
    finally:
        set_viewport(driver, "desktop")


def top_skills(driver: Any) -> list[dict[str, str]]:
    out = []
    for row in driver.find_elements(By.CSS_SELECTOR, "table.demand-table tbody tr"):
        cells = row.find_elements(By.TAG_NAME, "td")
        trend = cells[-1]
        out.append({"label": cells[1].text, "share": cells[2].text,
                    "direction": trend.get_attribute("class").split()[-1],
                    "words": trend.find_element(By.CSS_SELECTOR, ".visually-hidden")
                    .get_attribute("textContent")})
    return out


def test_demand_filtered_by_region_and_period_then_a_skills_chart(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/demand")
    assert driver.find_element(By.TAG_NAME, "h1").text == "What employers ask for"
    everywhere = top_skills(driver)
    assert everywhere, "the sample has postings in the last three months"
    screenshot(driver, "demand")
    accessible_at_both_widths(driver, assert_accessible, "demand")
    no_sideways_scroll(driver)

    # a user narrows to Texas over all dates
    region = driver.find_element(By.ID, "region")
    region.send_keys("TX")
    Select(driver.find_element(By.ID, "window")).select_by_visible_text("All dates")
    driver.find_element(By.CSS_SELECTOR, "#demand-form button[type=submit]").click()
    heading = wait_for(driver, "#top-heading")
    assert heading.text == "Top skills in TX"
    texas = top_skills(driver)
    assert texas and texas != everywhere
    assert "all dates" in driver.find_element(By.CSS_SELECTOR,
                                              "section[aria-labelledby=top-heading]").text
    # every row has a trend: an arrow for the eye, the change in words for a screen reader
    for row in texas:
        assert row["direction"] in ("up", "down", "flat")
        assert row["words"].startswith(("new:", "up ", "down ", "about the same"))
    assert Select(driver.find_element(By.ID, "window")).first_selected_option.text == \
        "All dates"
    assert driver.find_element(By.ID, "region").get_attribute("value") == "TX"

    # a skill's chart over time, keeping the region
    first = driver.find_element(By.CSS_SELECTOR, "table.demand-table tbody tr a")
    label = first.text
    first.click()
    h1 = wait_for(driver, "h1")
    assert h1.text == f"Demand for {label} over time"
    assert "region=TX" in driver.current_url
    chart = driver.find_element(By.CSS_SELECTOR, "figure.series svg[role=img]")
    assert chart.is_displayed() and chart.size["width"] > 300
    bars = driver.find_elements(By.CSS_SELECTOR, "svg.bars rect.bar")
    assert len(bars) == 12
    assert any(float(b.get_attribute("height")) > 0 for b in bars)
    table = driver.find_elements(By.CSS_SELECTOR, "table.series-table tbody tr")
    assert len(table) == 12
    description = driver.find_element(By.ID, "chart-desc").get_attribute("textContent")
    assert label in description and "highest in" in description
    assert not console_errors(driver)
    screenshot(driver, "demand-skill")
    accessible_at_both_widths(driver, assert_accessible, "demand-skill")
    no_sideways_scroll(driver)

    # by quarter: four bars, four rows
    Select(driver.find_element(By.ID, "interval")).select_by_visible_text("Quarter")
    driver.find_element(By.CSS_SELECTOR, "#series-form button[type=submit]").click()
    wait_for(driver, "figure.series svg")
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.bars rect.bar")) == 4
    assert len(driver.find_elements(By.CSS_SELECTOR, "table.series-table tbody tr")) == 4
    assert "interval=quarter" in driver.current_url and "region=TX" in driver.current_url


def test_a_skill_chart_by_name_with_the_keyboard(driver: Any, server: Server) -> None:
    goto(driver, server.url + "/demand")
    field = driver.find_element(By.ID, "skill")
    field.send_keys("CPR", Keys.ENTER)
    h1 = wait_for(driver, "h1")
    assert h1.text == "Demand for perform cardiopulmonary resuscitation over time"
    assert driver.find_elements(By.CSS_SELECTOR, "svg.bars rect.bar")


def test_an_occupation_without_enough_postings_for_tiers(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/demand?window=all")
    occupation = driver.find_element(By.ID, "occupation")
    occupation.send_keys("15-1232.00", Keys.ENTER)
    heading = wait_for(driver, "#top-heading")
    assert heading.text.startswith("Top skills of ") and "(15-1232.00)" in heading.text
    assert top_skills(driver)
    tiers = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=tiers-heading]")
    assert "Tiers need at least 5 postings and needs" in tiers.text
    screenshot(driver, "demand-occupation")
    accessible_at_both_widths(driver, assert_accessible, "demand-occupation")


def test_an_error_and_an_empty_result_in_plain_words(
        driver: Any, server: Server, screenshot: Any, assert_accessible: Any) -> None:
    goto(driver, server.url + "/demand?since=2026-06-01&until=2026-01-01")
    alert = wait_for(driver, "[role=alert]")
    assert "is not before the To date" in alert.text
    assert driver.find_element(By.ID, "since").get_attribute("value") == "2026-06-01"
    accessible_at_both_widths(driver, assert_accessible, "demand-error")
    goto(driver, server.url + "/demand?region=WY")
    notice = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=top-heading] "
                                                  ".notice")
    assert "No postings or needs match these choices" in notice.text
    assert "All dates" in notice.text
    screenshot(driver, "demand-empty")
