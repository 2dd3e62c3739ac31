"""The board report from the app: the workbook served by `odp serve` (Voila) in headless
Chromium, the learner presses Make my report, and download links for HTML, PDF and Word appear
and are announced."""

from __future__ import annotations

import pytest

from tests.browser import axe_violations, chromium, course_server, wait_for_widgets
from tests.grading.course_copy import make_copy

pytestmark = [pytest.mark.slow, pytest.mark.browser]
URL = "/voila/render/strategic-project/strategic-project.ipynb"


def test_make_my_report_in_the_app(tmp_path):
    course = make_copy(tmp_path)
    with course_server(course.root, course.data) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
        page.goto(base + URL, timeout=240_000)   # Voila runs the whole workbook, charts too, first
        wait_for_widgets(page, 3)
        button = page.get_by_role("button", name="Make my report")
        button.wait_for(timeout=120_000)
        button.click()
        status = page.locator("[role=status]", has_text="Your report is ready")
        status.wait_for(timeout=180_000)
        links = [status.get_by_role("link", name=name) for name in
                 ("Download the web page", "Download the PDF", "Download the Word")]
        assert all(link.count() == 1 for link in links)
        assert links[0].get_attribute("download").endswith(".html")
        # Nothing was saved yet: the learner is told what the report lacks, beside the links.
        assert "has no saved answer" in status.inner_text()
        assert [v["id"] for v in axe_violations(page)] == []
