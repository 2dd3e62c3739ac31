"""What a unit page costs the browser under `odp serve`: requests, bytes over the network and
bytes from the kernel's websocket (mostly widget state), on a first visit (nothing cached) and a
revisit in the same browser context, with the time until its widgets are on screen.

The unit is the repository's own Level 2 unit 201 (42 widgets) by default, served from a private
copy of the course; ``--fixture`` serves the small test course's sample unit instead.

    .venv/bin/python bench/bench_page_weight.py [--runs 3] [--fixture] [--list]

``--list`` also prints the front-end chunks the page still fetched one by one, as lines for
``course/share/jupyter/voila/templates/odp/bundle.txt`` (empty when the bundle has them all).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.timing import load_average  # noqa: E402
from tests.browser import chromium, course_server  # noqa: E402

UNIT_201 = ("working-in-od", "/voila/render/working-in-od/working-in-od.ipynb", 45)  # its widgets
SAMPLE = ("sample-unit", "/voila/render/sample-unit/sample-unit.ipynb", 10)


def course(dest: Path, fixture: bool) -> Path:
    root = dest / "content"
    if fixture:
        shutil.copytree(ROOT / "tests/fixtures/content", root, symlinks=True)
        return root
    root.mkdir()
    shutil.copy(ROOT / "catalogue.yaml", root)
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "release", "submitted", "autograded", "feedback")
    for name in ("level2", "level3", "level4", "level7", "autograder"):
        shutil.copytree(ROOT / name, root / name, symlinks=True, ignore=skip)
    return root


def measure(context, url: str, ready: str) -> dict[str, float]:
    """One page view: requests that reached the network, those answered from the browser's
    cache, bytes over the network (encoded, headers included), websocket bytes received, seconds
    until ``ready``."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, dict] = {}

    def sent(event):
        seen.setdefault(event["requestId"], {"url": event["request"]["url"], "cached": False, "bytes": 0})

    def cached(event):
        seen.setdefault(event["requestId"], {"url": "", "cached": True, "bytes": 0})["cached"] = True

    def received(event):
        entry = seen.setdefault(event["requestId"], {"url": "", "cached": False, "bytes": 0})
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromMemoryCache"):
            entry["cached"] = True

    def finished(event):
        if event["requestId"] in seen:
            seen[event["requestId"]]["bytes"] = event.get("encodedDataLength", 0)

    ws_bytes = [0]
    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.requestServedFromCache", cached)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived",
           lambda e: ws_bytes.__setitem__(0, ws_bytes[0] + len(e["response"]["payloadData"])))
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=180_000)
    took = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    page.close()
    network = [e for e in seen.values() if not e["cached"] and not e["url"].startswith(("data:", "blob:"))]
    measure.urls = [e["url"] for e in network]
    return {"seconds": took, "requests": len(network), "cached": len(seen) - len(network),
            "kB": sum(e["bytes"] for e in network) / 1000, "websocket kB": ws_bytes[0] / 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fixture", action="store_true", help="the test course's sample unit (10 widgets)")
    parser.add_argument("--list", action="store_true", help="print the chunks fetched one by one")
    args = parser.parse_args()
    name, path, widgets = SAMPLE if args.fixture else UNIT_201
    ready = f"document.querySelectorAll('.odp-question').length >= {widgets}"
    rows: dict[str, list[dict[str, float]]] = {"first visit": [], "revisit": []}
    with tempfile.TemporaryDirectory(prefix="odp-weight-") as tmp:
        root = course(Path(tmp), args.fixture)
        with course_server(root, Path(tmp) / "data") as base, chromium() as browser:
            warm = browser.new_context()
            measure(warm, base + path, ready)  # the fork server's imports, the OS caches
            warm.close()
            if args.list:
                for url in measure.urls:
                    match = re.search(r"/voila/((static/\d+\.voila\.js)|(labextensions/.*/static/(?!remoteEntry)[^/?]+\.js))", url)
                    if match:
                        print(match.group(1))
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1100, "height": 900})
                rows["first visit"].append(measure(context, base + path, ready))
                rows["revisit"].append(measure(context, base + path, ready))
                context.close()
    print(f"Unit page {name} under odp serve, Chromium; load average {load_average()}; "
          f"median of {args.runs} runs")
    for kind, results in rows.items():
        cells = ", ".join(f"{key} {statistics.median(r[key] for r in results):.2f}"
                          for key in results[0])
        print(f"  {kind:12s} {cells}")


if __name__ == "__main__":
    main()
