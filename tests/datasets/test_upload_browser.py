"""The upload control in a real Voila page and Chromium: a file too big for one websocket message
is refused in the browser with its size and the path that works; a small one loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.browser import axe_violations, chromium, free_port, stop, wait_until_serving

HEAD = b"opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n"


@pytest.fixture(scope="module")
def voila_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("upload")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Your data"),
                nbformat.v4.new_code_cell("from course.datasets import upload_widget\n"
                                          "w = upload_widget('debt_recovery', columns=['opened_date', 'team', "
                                          "'balance_gbp', 'repayment_plan', 'days_to_first_contact'])\nw")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "data.ipynb")
    port = free_port()
    bin_dir = Path(sys.executable).parent
    log = (folder / "voila.log").open("w")
    proc = subprocess.Popen([str(bin_dir / "voila"), "data.ipynb", "--no-browser", f"--port={port}",
                             "--Voila.ip=127.0.0.1"], cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"))
    try:
        wait_until_serving(f"http://127.0.0.1:{port}/", proc, output=lambda: (folder / "voila.log").read_text())
        yield f"http://127.0.0.1:{port}/", folder
    finally:
        stop(proc)
        log.close()


def test_big_file_refused_in_the_browser_and_small_file_loaded(voila_page):
    url, folder = voila_page
    with chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        picker = page.get_by_label("Upload your own debt recovery portfolio data")
        picker.wait_for(timeout=90_000)
        big = HEAD + b"2024-01-02,A,100,yes,3\n" * 480_000  # 11 MB: over Tornado's 10 MiB message limit
        picker.set_input_files(files=[{"name": "debts.csv", "mimeType": "text/csv", "buffer": big}])
        message = page.locator(".odp-upload-message[role=alert]")
        message.wait_for(timeout=30_000)
        text = message.inner_text()
        assert f"debts.csv is {len(big) / 1e6:.1f} MB, more than the 10.4 MB the app can receive" in text
        assert f"Copy the file into your folder ({folder})" in text
        picker.set_input_files(files=[{"name": "ok.csv", "mimeType": "text/csv",
                                       "buffer": HEAD + b"2024-01-02,A,100,yes,3\n"}])
        page.get_by_text("Loaded 1 rows from ok.csv").wait_for(timeout=30_000)
        # the bare Voila template has no <main> landmark ("region"); the course app template adds one
        violations = [v["id"] for v in axe_violations(page) if v["id"] != "region"]
        assert violations == [], violations
