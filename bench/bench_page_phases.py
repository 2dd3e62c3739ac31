"""Where a unit page's time to interactive goes, phase by phase, in Chromium under `odp serve`
with a pool of one: for the next person after issue 16's 1.0 s target.

Each visit (a new page in one browser context, so the page bundle comes from the browser's
cache after the first) records, in ms from navigation:

- **html end**: the last byte of the page's HTML (the pooled kernel runs the cells after
  `wait_for_request`, and Voila streams them);
- **DOM ready**: DOMContentLoaded, after the page bundle (course/serve/bundle.py) and voila.js ran;
- **cells shown**: Voila shows the rendered cells;
- **socket open**: the page's kernel websocket is open;
- **interactive**: the unit's 10 questions are on screen (bench_unit_app.py's measure).

Medians of ``--visits`` visits, 6 s apart so the pool has refilled. Named baseline: the first
run, 2026-12-03 UTC, load average 1-2: html end ~0.4 s, DOM ready ~1.2 s, cells shown ~1.4 s,
socket open ~1.6 s, interactive ~1.8 s. A plain HTTP GET of the same page takes ~0.2 s, so
most of the time is the browser running JupyterLab's and Voila's JavaScript (one CDP CPU
profile of a visit, not a bench: ~0.4-0.5 s of it inside webpack's require).

    .venv/bin/python bench/bench_page_phases.py [--visits 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.timing import load_average  # noqa: E402
from tests.browser import AUTH_HEADER, chromium, odp_serve  # noqa: E402

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
READY = "document.querySelectorAll('.odp-question').length >= 10"
# Installed before the page's own scripts: notes when the cells are shown and the socket opens.
HOOK = """
window.__phases = {};
const note = (name) => { window.__phases[name] ??= performance.now(); };
new MutationObserver(() => {
  const cells = document.getElementById('rendered_cells');
  if (cells && getComputedStyle(cells).display !== 'none') note('cells shown');
}).observe(document, {subtree: true, childList: true, attributes: true});
const Socket = window.WebSocket;
window.WebSocket = class extends Socket {
  constructor(...args) { super(...args); this.addEventListener('open', () => note('socket open')); }
};
"""
PHASES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {'html end': nav.responseEnd, 'DOM ready': nav.domContentLoadedEventEnd,
          ...window.__phases};
}"""
ORDER = ("html end", "DOM ready", "cells shown", "socket open", "interactive")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=7)
    args = parser.parse_args()
    content = Path(tempfile.mkdtemp(prefix="odp-bench-phases-")) / "content"
    shutil.copytree(ROOT / "tests/fixtures/content", content)
    visits: list[dict[str, float]] = []
    with odp_serve(content, "--pool-size", "1", env={"ODP_DEMO_COHORT": "10"}) as served:
        with chromium(signed_in=False) as browser:
            context = browser.new_context(extra_http_headers=AUTH_HEADER)
            context.add_init_script(HOOK)
            for _ in range(args.visits):
                time.sleep(6)  # the pool refills
                page = context.new_page()
                start = time.perf_counter()
                page.goto(served.base + UNIT)
                page.wait_for_function(READY, timeout=180_000)
                took = (time.perf_counter() - start) * 1000
                visits.append({**page.evaluate(PHASES), "interactive": took})
                page.close()
    print(f"Unit page phases, odp serve with a pool of one; {args.visits} visits, load average "
          f"{load_average()}")
    print(f"{'phase':<14}{'first visit':>12}{'median of the rest':>20}")
    for name in ORDER:
        rest = [v[name] for v in visits[1:] if name in v]
        median = f"{statistics.median(rest) / 1000:.2f} s" if rest else "-"
        first = f"{visits[0][name] / 1000:.2f} s" if name in visits[0] else "-"
        print(f"{name:<14}{first:>12}{median:>20}")
    print("baseline (2026-12-03): html end 0.4, DOM ready 1.2, cells shown 1.4, socket open 1.6, "
          "interactive 1.8 s")


if __name__ == "__main__":
    main()
