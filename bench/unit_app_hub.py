"""Unit 201's page under a hub, visit by visit, beside plain Voila serving the same unit in the
same run: ``bench/bench_unit_app.py --hub`` runs it (so does this file, on its own).

A real hub starts (tests/hub/running.py: `odp hub`, real OS accounts, removed after) with one
learner. Her server is started and signed in to before any timing: a spawn is
bench/bench_hub.py's figure, not this one's. Then, as bench_unit_app.py does under `odp serve`:
a **first visit** (a new browser context: nothing cached but the hub's sign-in), then
**revisits** in the same context at least 5 s and at least 60 s after the previous page
closed, each from navigation until the unit's widgets and its "Start the test" button are on
screen (bench_hub.py's condition). Medians of ``runs`` runs. Also counted: her kernels alive
just after each visit's page closed and the reaper's grace has passed (a page left keeps none).

Plain Voila (the baseline): stock `python -m voila` with the course template over a learner's
folder made from the same checkout (`odp serve`'s workspace), each page a new kernel process.

Runs as root (it makes OS accounts). Run it alone: hubs at once share the course's OS users.

    sudo .venv/bin/python bench/unit_app_hub.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_hub import UNIT_PATH, ready_js, widgets  # noqa: E402
from bench.timing import load_average, visit  # noqa: E402
from tests.browser import chromium  # noqa: E402

VISITS = {"first visit": 0, "revisit after 5 s": 5, "revisit after 60 s": 60}
LIMIT_MS = 600_000


@dataclass
class HubVisits:
    times: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # server -> visit -> s
    kernels_after: list[int] = field(default_factory=list)  # her live kernels after each page closed


def sign_in(context, hub, name: str) -> None:
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login", timeout=LIMIT_MS)
    page.fill("#username_input", name)
    page.fill("#password_input", hub.passwords[name])
    page.click("#login_submit")
    page.get_by_role("heading", name="My pathway").wait_for(timeout=LIMIT_MS)
    page.close()


def plain_voila_folder(work: Path) -> tuple[Path, dict[str, str]]:
    """A learner's folder as `odp serve` makes it from this checkout, and plain Voila's environment."""
    from course.config import Settings
    from course.content import require_course
    from course.serve.server import prepare, voila_env

    settings = Settings(content_root=ROOT, data_dir=work / "data", demo_cohort=10, pool_size=0)
    folder, _ = prepare(settings, require_course(ROOT))
    env = {**voila_env(settings), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    env.pop("ODP_SERVE_TOKEN")  # stock Voila: no token
    return folder, env


def run(runs: int) -> HubVisits:
    from bench.bench_unit_app import plain_voila
    from tests.hub.running import running_hub

    count = widgets("working-in-od")
    ready = ready_js(count)
    result = HubVisits()
    work = Path(tempfile.mkdtemp(prefix="odp-bench-unit-hub-"))
    try:
        with ExitStack() as stack:
            hub = stack.enter_context(running_hub(learners=1))
            name = hub.people["l001"]
            token = hub.api("POST", f"/users/{name}/tokens", {"scopes": ["access:servers!user"], "note": "bench"})["token"]
            hub.api("POST", f"/users/{name}/server")
            _wait(lambda: (hub.api("GET", f"/users/{name}").get("servers") or {}).get("", {}).get("ready"))
            folder, env = plain_voila_folder(work)
            plain, plain_base = plain_voila(folder, env)
            stack.callback(plain.terminate)
            urls = {"hub (Voila in her server)": f"{hub.url}/user/{name}/voila/render/{UNIT_PATH}",
                    "plain Voila": f"{plain_base}/voila/render/{UNIT_PATH}"}
            result.times = {server: {v: [] for v in VISITS} for server in urls}
            browser = stack.enter_context(chromium(signed_in=False))
            for n in range(runs):
                contexts = {server: browser.new_context(locale="en-GB", viewport={"width": 1100, "height": 900})
                            for server in urls}
                sign_in(contexts["hub (Voila in her server)"], hub, name)
                closed: dict[str, float] = {}
                for kind, gap in VISITS.items():
                    for server, url in urls.items():
                        if server in closed:
                            time.sleep(max(0.0, closed[server] + gap - time.monotonic()))
                        result.times[server][kind].append(visit(contexts[server], url, ready, timeout_s=LIMIT_MS / 1000))
                        closed[server] = time.monotonic()
                    time.sleep(4)  # past the reaper's 3 s grace: the page just closed keeps no kernel
                    result.kernels_after.append(len(hub.get_json(f"/user/{name}/api/kernels", token)))
                for context in contexts.values():
                    context.close()
                print(f"hub run {n + 1}/{runs} done", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _wait(condition, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("her server did not start")
        time.sleep(0.5)


def report(result: HubVisits, runs: int) -> None:
    print(f"\nUnit 201 ({UNIT_PATH}) under a hub, Chromium, load average {load_average()}; "
          f"median of {runs} runs (all runs in brackets)")
    names = list(result.times)
    print(f"{'under a hub':<22}" + "".join(f"{n:>30}" for n in names) + f"{'speed-up':>12}")
    for kind in VISITS:
        medians = [statistics.median(result.times[n][kind]) for n in names]
        print(f"{kind:<22}" + "".join(f"{m:>28.2f} s" for m in medians) + f"{medians[-1] / medians[0]:>11.1f}x")
        for n in names:
            print(f"    {n}: {[round(t, 2) for t in result.times[n][kind]]}")
    print(f"her live kernels after each page closed (+4 s): {result.kernels_after} (a page left keeps none)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    report(run(args.runs), args.runs)


if __name__ == "__main__":
    main()
