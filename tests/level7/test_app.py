"""The Level 7 project in the browser app (`odp serve`, Voila, headless Chromium): a written
answer is typed and saved; the what-if redraws; a file too big for one upload gets a message
naming the way that works; the learner's own file, uploaded, redraws the charts and tables;
0 axe violations. One server for the module."""

from __future__ import annotations

import pytest

from course.datasets import generate
from tests.browser import axe_violations, chromium, course_server, wait_for_widgets
from tests.grading.course_copy import make_copy
from tests.service.running import service_record

pytestmark = [pytest.mark.slow, pytest.mark.browser]
URL = "/voila/render/strategic-project/strategic-project.ipynb"
UPLOAD = ".odp-upload-debt_recovery input[type=file]"
OWN_FILE = "our-debts.csv"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    course = make_copy(tmp_path_factory.mktemp("odp7app"))
    with course_server(course.root, course.data) as base, chromium() as browser:
        yield base, browser, course.data


def open_workbook(browser, base: str):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(base + URL, timeout=240_000)   # Voila runs the whole workbook, charts too
    wait_for_widgets(page, 8)
    page.get_by_role("button", name="Make my report").wait_for(timeout=240_000)   # the last cell has run
    return page


def test_written_answers_what_if_and_a_file_too_big_to_upload(served):
    base, browser, data = served
    page = open_workbook(browser, base)

    # A written answer is a text area, saved as the learner types.
    page.locator("#odp-q-smp-t1 textarea").fill("Our aim is to recover more legal aid debt within 14 days.")
    page.locator("#odp-q-smp-t1 .odp-saved").get_by_text("Saved").wait_for(timeout=60_000)
    _, entries = service_record(data, "demo-learner", "strategic-project")
    assert [e.response for e in entries if e.item == "smp-t1"][-1].startswith("Our aim is to recover")

    # The what-if is on the page and redraws from the learner's figures.
    whatif = page.locator("#odp-q-smp-whatif")
    whatif.locator("input[name=annual_benefit]").fill("50,000")
    whatif.get_by_role("button", name="Work out the NPV").click()
    whatif.locator("[role=status]").first.get_by_text("Net present value: £25,753").wait_for(timeout=60_000)

    # A file over the websocket limit never leaves the browser: the message says what works.
    page.set_input_files(UPLOAD, files=[{"name": "all-debts.csv", "mimeType": "text/csv",
                                         "buffer": b"x" * (11 * 1024 * 1024)}])
    alert = page.locator("[role=alert]", has_text="all-debts.csv is 11.5 MB")
    alert.wait_for(timeout=60_000)
    text = alert.inner_text()
    assert "more than the 10.4 MB the app can receive" in text
    assert "Copy the file into your folder" in text and "strategic-project" in text and "JupyterLab" in text
    assert axe_violations(page) == []

    page.reload()   # what she wrote comes back from the service
    wait_for_widgets(page, 8)
    page.locator("#odp-q-smp-t1 textarea").wait_for()
    assert page.input_value("#odp-q-smp-t1 textarea").startswith("Our aim is to recover")
    page.close()


def test_her_own_file_uploaded_redraws_every_chart_and_table(served):
    base, browser, data = served
    page = open_workbook(browser, base)
    own = generate("debt_recovery", rows=2_000, seed=11).to_csv(index=False).encode()
    page.set_input_files(UPLOAD, files=[{"name": OWN_FILE, "mimeType": "text/csv", "buffer": own}])
    message = page.locator(".odp-upload-message", has_text="Loaded")
    message.wait_for(timeout=60_000)
    assert f"Loaded {OWN_FILE}" in message.inner_text() and "Redrawing your charts and tables" in message.inner_text()
    page.get_by_text(f"The charts below are drawn from {OWN_FILE} (2,000 rows).").wait_for(timeout=240_000)
    page.get_by_role("button", name="Make my report").wait_for(timeout=240_000)
    assert page.locator(".odp-upload-message", has_text=f"Using your file {OWN_FILE} (2,000 rows)").count() == 1
    page.wait_for_function("document.activeElement && document.activeElement.type === 'file'")  # back at the upload
    assert page.locator("figure.odp-chart").count() >= 6
    assert "generated rows" not in page.locator("body").inner_text()
    assert axe_violations(page) == []
    page.close()
    assert (data / "learners" / "demo-learner" / "strategic-project" / "own-data").is_dir()
