"""Time to the marking app's first page in Chromium: from navigation until the submissions table
is on screen, for the app as `odp mark serve` starts it (its kernel forked from a server that
has imported the app, course/serve/provisioner.py) beside the same app with a plain kernel
(a new Python process per page, as before), in the same run.

The course is a private copy with one Level 4 unit (managing-risk) handed in by three learners
and autograded with nbgrader's own commands, so the page does its real work: the gradebook,
each submission's answers and the similarity check.

Each server gets a first visit (a new browser context) ``--runs`` times; medians are printed.
Baseline: 12.6 s, the first page with a plain kernel when issue 20 was filed; target <= 2 s.

    .venv/bin/python bench/bench_marking_app.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser import chromium, free_port, wait_until_serving  # noqa: E402

BASELINE_S, TARGET_S = 12.6, 2.0
UNIT, LEARNERS = "managing-risk", ["amy", "ben", "cal"]
READY = "document.querySelectorAll('.mk table tbody tr').length >= 3"


def prepare(root: Path):
    """A course copy with three autograded submissions."""
    from course.config import Settings  # noqa: F401 (imported here so --help is quick)
    from course.notebook import open_unit
    from tests.grading.course_copy import make_copy, record_key

    course = make_copy(root)
    course.nbgrader("generate_assignment", UNIT)
    course.nbgrader("release_assignment", UNIT)
    course.for_each_learner("fetch_assignment", UNIT, LEARNERS)
    for learner in LEARNERS:
        with record_key(course.key_for(learner)):
            session = open_unit(course.home(learner) / UNIT, learner)
            for task in session.unit.assignment.tasks:
                session.task(task.id).answer(" ".join(
                    f"{learner} writes about {task.title.lower()} in her jobcentre, point {n}." for n in range(80)))
    course.for_each_learner("submit", UNIT, LEARNERS)
    course.nbgrader("collect", UNIT)
    course.nbgrader("autograde", UNIT)
    return course


def serve(course, forked: bool):
    from course.config import Settings
    from course.marking.server import voila_args, voila_env
    from course.marking.settings import MarkingSettings

    marking = MarkingSettings(course_dir=course.autograder, assessor="assessor-a")
    env = voila_env(marking, Settings(content_root=course.root, data_dir=course.data), base=course.env)
    port = free_port()
    log = open(tempfile.mkstemp(prefix="bench-marking-", suffix=".log")[1], "w")
    proc = subprocess.Popen(voila_args(port, forked=forked), env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    wait_until_serving(base, proc)
    return proc, base, log


def first_page(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(READY, timeout=180_000)
    took = time.perf_counter() - start
    context.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        course = prepare(Path(tmp))
        times: dict[str, list[float]] = {}
        servers = {"forked kernel (odp mark serve)": True, "plain kernel (before)": False}
        procs = {name: serve(course, forked) for name, forked in servers.items()}
        try:
            with chromium() as browser:   # its pages send the server's token
                for name, (_, url, _) in procs.items():
                    first_page(browser, url)   # warm-up: the fork server's imports, the OS caches
                for _ in range(args.runs):
                    for name, (_, url, _) in procs.items():
                        times.setdefault(name, []).append(first_page(browser, url))
        finally:
            for proc, _, log in procs.values():
                proc.terminate()
                proc.wait(timeout=30)
                log.close()
                os.unlink(log.name)
    print(f"Marking app, first page until the submissions table shows (median of {args.runs}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}):")
    plain = statistics.median(times["plain kernel (before)"])
    for name, ts in times.items():
        p50 = statistics.median(ts)
        print(f"  {name:32s} p50 {p50:5.2f} s  (min {min(ts):.2f}, max {max(ts):.2f}); "
              f"{BASELINE_S / p50:.1f}x faster than the {BASELINE_S} s baseline, "
              f"{plain / p50:.1f}x the plain kernel in this run; target <= {TARGET_S} s: "
              f"{'met' if p50 <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
