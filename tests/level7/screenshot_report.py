"""Remake docs/board-report-page.png, the first page of the worked example's board report:

    ODP_LEARNER=amy .venv/bin/python -m tests.level7.screenshot_report
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from course.analysis.board_report import board_report
from tests.browser import chromium
from tests.conftest import REPO
from tests.level7.worked_example import worked_example

A4_AT_96_DPI = {"width": 794, "height": 1123}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        made = board_report(worked_example(Path(tmp) / "strategic-project"), "report", learner="amy")
        with chromium() as browser:
            page = browser.new_page(viewport=A4_AT_96_DPI)
            page.emulate_media(media="print")
            page.goto(made.html.as_uri())
            page.screenshot(path=str(REPO / "docs" / "board-report-page.png"))


if __name__ == "__main__":
    main()
