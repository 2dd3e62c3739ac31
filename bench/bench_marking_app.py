"""Time to the marking app's first page in Chromium: from navigation until the submissions table
is on screen, for three servers side by side in the same run:

- **plain kernel**: a new Python process per page, which imports the app and reads the course;
- **forked kernel**: forked from a server that has imported the app (course/serve/provisioner.py);
- **forked + pool** (`odp mark serve`): as above, plus one preheated kernel kept ready (Voila's
  pool) that has also read the course content and waits for the page (course.marking.app.ready).

In all three the page's cell ends at once and the gradebook, answers and similarity check are
read while the browser loads the page's scripts (course.marking.app.show).

The course is a private copy with one Level 4 unit (managing-risk) handed in by three learners
and autograded with nbgrader's own commands, so the page does its real work: the gradebook,
each submission's answers and the similarity check.

Each run visits each server once, in turn, as a first visit (a new browser context: nothing
cached), so the pool has the other servers' visits (several seconds) to refill. Medians of
``--runs`` runs (at least 5), with the load average before and after.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.timing import first_visit, load_average, summary  # noqa: E402
from tests.browser import chromium  # noqa: E402

BASELINE_S, TARGET_S = 12.6, 2.0
UNIT, LEARNERS = "managing-risk", ["amy", "ben", "cal"]
READY = "document.querySelectorAll('.mk table tbody tr').length >= 3"
SERVERS = {"plain kernel": {"forked": False, "pool_size": 0},
           "forked kernel": {"forked": True, "pool_size": 0},
           "forked + pool (odp mark serve)": {"forked": True, "pool_size": 1}}


def prepare(root: Path):
    """A course copy with three autograded submissions."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from tests.marking.app import marking_app

    times: dict[str, list[float]] = {name: [] for name in SERVERS}
    with tempfile.TemporaryDirectory() as tmp:
        course = prepare(Path(tmp))
        from contextlib import ExitStack

        with ExitStack() as stack:
            apps = {name: stack.enter_context(marking_app(course, "assessor-a", log=subprocess.DEVNULL, **how))
                    for name, how in SERVERS.items()}
            for app in apps.values():
                app.wait_for_pool()
            browser = stack.enter_context(chromium())   # its pages send the servers' token
            options = {"viewport": {"width": 1200, "height": 900}, "locale": "en-GB"}
            for app in apps.values():   # warm-up: the fork server's imports, the OS caches
                first_visit(browser, app.base, READY, **options)
            load_before = load_average()
            for run in range(args.runs):
                for name, app in apps.items():
                    times[name].append(first_visit(browser, app.base, READY, **options))
                print(f"run {run + 1}/{args.runs}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()),
                      flush=True)
    print(f"\nMarking app, first page until the submissions table shows: {os.cpu_count()} CPUs, "
          f"load average {load_before} before the runs, {load_average()} after; median of {args.runs}")
    plain = statistics.median(times["plain kernel"])
    for name, ts in times.items():
        p50 = statistics.median(ts)
        print(f"  {name:32s} {summary(ts)}; {BASELINE_S / p50:4.1f}x the {BASELINE_S} s baseline, "
              f"{plain / p50:3.1f}x the plain kernel; target <= {TARGET_S} s: {'met' if p50 <= TARGET_S else 'NOT met'}")


if __name__ == "__main__":
    main()
