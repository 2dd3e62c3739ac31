"""Grading a cohort: `odp grade` against stock `nbgrader autograde`, on the same submissions.

Makes two copies of the real nbgrader course, writes the same N Level 2 test submissions into
each (mostly ordinary learners, one of each kind of bad submission; tests/grading/corpus.py),
grades copy A with `nbgrader autograde` and copy B with `odp grade`, checks that every score in
the two gradebooks is the same, and prints both wall times and the ratio. Several worker counts
(`--workers 2 3`) grade copy B again each (`--force`) against the one stock run.
Baseline: stock `nbgrader autograde ASSIGNMENT` (serial, a fresh kernel per submission).

    .venv/bin/python bench/bench_grade.py [--n 200] [--workers 2 3] [--timeout 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402

from tests.grading.corpus import plans, write_corpus  # noqa: E402
from tests.grading.course_copy import make_copy  # noqa: E402

UNIT = "working-in-od"


def scores(course) -> dict[str, float | None]:
    out = {}
    with Gradebook(f"sqlite:///{course.autograder / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                out[student.id] = gb.find_submission(UNIT, student.id).score
            except MissingEntry:
                out[student.id] = None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="submissions to grade")
    ap.add_argument("--workers", type=int, nargs="*", default=[None],
                    help="odp grade worker counts to try (default: odp grade's own, the cores)")
    ap.add_argument("--timeout", type=float, default=20, help="per-cell/submission limit, both runs")
    args = ap.parse_args()

    base = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    courses = []
    for name in ("stock", "odp"):
        (base / name).mkdir()
        course = make_copy(base / name)
        course.nbgrader("generate_assignment", UNIT)
        write_corpus(course.autograder, course.data, UNIT, course.bank(UNIT), plans(args.n))
        courses.append(course)
    stock, ours = courses
    print(f"{args.n} submissions of {UNIT} in {base}")

    t = time.monotonic()
    proc = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", UNIT,
                           f"--Execute.timeout={int(args.timeout)}"], cwd=stock.autograder, env=stock.env,
                          capture_output=True, text=True)
    stock_s = time.monotonic() - t
    print(f"stock nbgrader autograde: {stock_s:.1f} s (exit {proc.returncode})")

    for i, workers in enumerate(args.workers or [None]):
        cmd = [str(Path(sys.executable).parent / "odp"), "grade", UNIT, "--course-dir", str(ours.autograder),
               f"--timeout={args.timeout}"] + ([f"--workers={workers}"] if workers else []) + (["--force"] if i else [])
        t = time.monotonic()
        run = subprocess.run(cmd, cwd=ours.root, env=ours.env, capture_output=True, text=True)
        odp_s = time.monotonic() - t
        print(f"odp grade: {odp_s:.1f} s (exit {run.returncode}); {run.stdout.strip().splitlines()[-1]}")

        a, b = scores(stock), scores(ours)
        differ = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
        same = len(set(a) | set(b)) - len(differ)
        print(f"scores identical for {same} of {len(set(a) | set(b))} learners")
        for learner, (x, y) in differ.items():
            print(f"  differs: {learner}: stock {x}, odp {y}")
        print(f"throughput: stock {args.n / stock_s:.2f}/s, odp {args.n / odp_s:.2f}/s; "
              f"ratio {stock_s / odp_s:.2f}x (odp grade, {workers or 'default'} workers, "
              f"vs stock nbgrader autograde)")


if __name__ == "__main__":
    main()
