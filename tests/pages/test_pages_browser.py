"""The pages in Chromium as people use them, served by a tiny tornado app that calls
render_page (tests/pages/app.py; the course service replaces it): read as a learner, her line
manager, a department lead and the profession; 0 axe violations on every page at 1280 and 400
pixels wide; no chart label outside its chart.

Set ODP_SAVE_SCREENSHOTS=docs/screenshots to keep the screenshots (docs/tracking.md shows them).
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from course.pages import cache
from course.tracking.db import make_engine
from course.tracking.ingest import record_result
from tests.browser import axe_violations, chromium
from tests.pages.app import serve_pages
from tests.pages.conftest import AS_OF, PRIYA

PAGES = [  # (path, title)
    ("learner/P1/home", "Course home – ODP course"),
    ("learner/P1/progress", "My progress – ODP course"),
    ("manager/M1/team", "My team – ODP course"),
    ("department/dwp/department", "My department: Department for Work and Pensions – ODP course"),
    ("profession/all/profession", "The profession – ODP course"),
]


@pytest.fixture(scope="module")
def served(pages_url, course, tmp_path_factory):
    path = tmp_path_factory.mktemp("served") / "odp.sqlite"
    shutil.copyfile(pages_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    with serve_pages(url, course, AS_OF) as base:
        yield base, url


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("width", [1280, 400])
def test_every_page_passes_axe_and_keeps_its_labels_inside(served, browser, width, tmp_path):
    base, _ = served
    keep = os.environ.get("ODP_SAVE_SCREENSHOTS")
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for path, title in PAGES:
            response = page.goto(f"{base}/as/{path}")
            assert response.status == 200, path
            assert page.title() == title
            assert page.evaluate("document.documentElement.lang") == "en-GB"
            assert axe_violations(page) == [], (path, width)
            outside = page.evaluate("""() => [...document.querySelectorAll('svg[role=img] text')]
                .filter(t => { const b = t.getBBox(), v = t.ownerSVGElement.viewBox.baseVal;
                               return b.x < -0.5 || b.x + b.width > v.width + 0.5; })
                .map(t => t.textContent)""")
            assert outside == [], (path, outside)
            # Nothing wider than the window but the tables' own scrolling boxes.
            wide = page.evaluate("Math.max(document.documentElement.scrollWidth, "
                                 "document.body.scrollWidth)")  # the body scrolls (odp.css)
            assert wide <= width + 1, path
            name = path.rsplit("/", 1)[-1]
            folder = Path(keep) if keep else tmp_path
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"page-{name}-{width}.png"), full_page=True)
    finally:
        page.close()


def test_skip_link_and_visible_focus(served, tab):
    base, _ = served
    tab.goto(f"{base}/as/manager/M1/team")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Skip to main content"
    outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "odp-main"


def test_learner_reads_her_status_after_a_submit_then_a_result(served, tab):
    base, url = served
    tab.goto(f"{base}/as/learner/P1/progress")
    unit = tab.locator("section.odp-unit", has_text="Unit 207")
    assert "Test submitted: awaiting your result." in unit.inner_text()
    assert "8 out of 10 (80%)" in unit.get_by_role("row", name="Attempt 1").inner_text()
    resit = tab.locator("section.odp-unit", has_text="Unit 208")
    assert "Not yet passed: resit available from 3 April 2025 (2 attempts left)." in \
        resit.inner_text()
    feedback = tab.get_by_role("link", name="Feedback on attempt 2 at Unit 201")
    assert feedback.get_attribute("href") == "/feedback/working-in-od/2"

    engine = make_engine(url)  # the assessor's result arrives
    with Session(engine) as session, session.begin():
        record_result(session, PRIYA, "data-security", 1, 9, 10, True, datetime(2025, 3, 30, 9))
    engine.dispose()
    tab.reload()
    unit = tab.locator("section.odp-unit", has_text="Unit 207")
    assert "Status: Passed." in unit.inner_text()
    row = unit.get_by_role("row", name="Attempt 1").inner_text()
    assert "8 out of 10 (80%)" in row and "9 out of 10 (90%)" in row and "passed" in row
    assert "You have passed 2 of 4 units." in tab.locator("main").inner_text()


def test_manager_sorts_his_team_without_javascript(served, browser):
    base, _ = served
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(f"{base}/as/manager/M1/team")
        table = tab.get_by_role("table", name="Your team, one person a row")
        names = table.locator("tbody th").all_inner_texts()
        assert names == sorted(names) and "Priya Patel" in names and "Learner B1" not in names
        tab.get_by_role("link", name="At risk, sort ascending").click()
        tab.get_by_role("link", name="At risk, sort descending").click()
        assert tab.url.endswith("sort=risk&order=desc")
        first = table.locator("tbody tr").first.inner_text()
        assert "Yes:" in first
        header = table.locator("th[aria-sort]")
        assert header.get_attribute("aria-sort") == "descending"
        with tab.expect_download() as download:
            tab.get_by_role("link", name="Download this table (CSV)").click()
        assert download.value.suggested_filename == "my-team.csv"
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert text.startswith("name,learner_id,qualification") and "Priya Patel" in text
    finally:
        context.close()


def test_learner_cannot_open_the_team_page(served, tab):
    base, _ = served
    response = tab.goto(f"{base}/as/learner/P1/team")
    assert response.status == 403
    assert "This page is for line managers" in tab.locator("main").inner_text()
    assert tab.locator("table").count() == 0


def test_a_filter_narrows_a_figure_and_the_trends_have_a_table(served, tab):
    base, _ = served
    cache.figures.clear()
    tab.goto(f"{base}/as/profession/all/profession")
    started = tab.get_by_role("region", name="At a glance").get_by_role(
        "listitem").filter(has_text="Learners who started")
    assert started.inner_text().split() == ["Learners", "who", "started", "11"]
    tab.get_by_label("Level", exact=True).select_option(label="Level 3")
    tab.get_by_role("button", name="Apply filters").click()
    assert "level=3" in tab.url
    assert started.inner_text().split()[-1] == "5"
    assert "Filtered: Level 3." in tab.locator("main").inner_text()
    chart = tab.get_by_role("img", name="First-time pass rate by month graded")
    assert chart.count() == 1
    trend = tab.get_by_role("table", name="Trends by month, newest first")
    assert trend.locator("tbody tr").first.inner_text().split("\t")[0] == "March 2025"


def test_narrow_screens_get_the_table_before_the_chart(served, browser):
    base, _ = served
    page = browser.new_page(viewport={"width": 400, "height": 900})
    try:
        page.goto(f"{base}/as/profession/all/profession")
        table_top = page.get_by_role("table", name="Trends by month, newest first").bounding_box()["y"]
        chart_top = page.locator("#odp-chart-trend-counts").bounding_box()["y"]
        assert table_top < chart_top
    finally:
        page.close()
