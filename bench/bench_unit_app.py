"""Time to interactive of the demo unit in Chromium, beside a plain ipywidgets equivalent.

Both are served by Voila on this machine in the same run; each page is loaded 5 times in a new
browser page and timed from navigation until its last widget is on screen. Baseline: the same
questions built from stock ipywidgets (RadioButtons, Checkbox, Text, Textarea, Button) with
Voila's default template.

    .venv/bin/python bench/bench_unit_app.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import chromium, course_server, free_port  # noqa: E402

PLAIN = '''
import ipywidgets as W
from IPython.display import display
qs = [W.RadioButtons(options=["Loyalty", "Objectivity", "Speed"], description="Q1"),
      W.RadioButtons(options=["True", "False"], description="Q2"),
      W.VBox([W.Checkbox(description=t) for t in ["Honesty", "Efficiency", "Popularity", "Integrity"]]),
      W.Text(description="Q4"), W.Text(description="Q5"),
      W.RadioButtons(options=["Explain the process", "Promise to look into it"], description="Scenario"),
      W.VBox([W.Text(description="Date"), W.Textarea(description="Plan"), W.Textarea(description="Do"), W.Textarea(description="Review"), W.Button(description="Add entry")]),
      W.VBox([W.Checkbox(description="I have read every element"), W.Checkbox(description="I have answered the practice questions")]),
      W.Textarea(description="Reflect"),
      W.Button(description="Start the test", layout=W.Layout(width="auto"))]
for q in qs:
    display(q)
    display(W.Button(description="Check answer", _dom_classes=["plain-done"]))
'''


def measure(browser, url: str, ready_js: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        page = browser.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ready_js, timeout=120_000)
        times.append(time.perf_counter() - start)
        page.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="odp-bench-"))
    content = work / "content"
    shutil.copytree(ROOT / "tests/fixtures/content", content)
    plain_dir = work / "plain"
    plain_dir.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PLAIN)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, plain_dir / "plain.ipynb")
    port = free_port()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    plain = subprocess.Popen([sys.executable, "-m", "voila", str(plain_dir), "--no-browser", f"--port={port}"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with course_server(content, work / "data") as base, chromium() as browser:
            time.sleep(2)
            ours = measure(browser, base + "/voila/render/sample-unit/sample-unit.ipynb",
                           "document.querySelectorAll('.odp-question').length >= 10", args.runs)
            stock = measure(browser, f"http://127.0.0.1:{port}/voila/render/plain.ipynb",
                            "document.querySelectorAll('.plain-done').length >= 10", args.runs)
    finally:
        plain.terminate()
        shutil.rmtree(work, ignore_errors=True)
    m_ours, m_stock = statistics.median(ours), statistics.median(stock)
    print(f"runs per page: {args.runs}; 10 widgets each; Voila in Chromium on this machine")
    print(f"course widgets (odp template)   median {m_ours:.2f} s  runs {[round(t, 2) for t in ours]}")
    print(f"plain ipywidgets (baseline)     median {m_stock:.2f} s  runs {[round(t, 2) for t in stock]}")
    print(f"ratio course / baseline: {m_ours / m_stock:.2f}")


if __name__ == "__main__":
    main()
