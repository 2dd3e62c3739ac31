"""Provisional result latency: a learner's submitted record sent to the scorer over HTTP, as the
learner's kernel does, until the score comes back. Target: under 50 ms. Baseline named: the
official route, `nbgrader autograde` of one submission (about 2 s here; see bench_grade.py).

    .venv/bin/python bench/bench_provisional.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.content import load_course  # noqa: E402
from course.grading.client import request  # noqa: E402
from course.grading.provisional import Scorer, learner_token, start_server  # noqa: E402
from course.record import RECORD_FILE  # noqa: E402
from course.record.keys import learner_key  # noqa: E402
from tests.grading.test_marking import sit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    secret = b"b" * 32
    work = Path(tempfile.mkdtemp(prefix="bench-provisional-"))
    url = "http://127.0.0.1:{}/provisional"
    times, first = [], []
    for run in range(args.runs):
        learner = f"learner-{run:04d}"
        folder = work / learner
        sit(folder, "RRRRRRRW--", key=learner_key(secret, learner), learner=learner)
        raw = (folder / RECORD_FILE).read_bytes()
        if run == 0:
            server = start_server(Scorer(load_course(ROOT), secret, work / "store"))
            url = url.format(server.server_address[1])
        t = time.perf_counter()
        reply = request(url, learner_token(secret, learner), raw)
        times.append((time.perf_counter() - t) * 1000)
        assert reply["score"] == 7, reply
    times.sort()
    print(f"{args.runs} submissions scored provisionally over HTTP (fresh record each, first-time scoring)")
    print(f"median {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times)) - 1]:.1f} ms, "
          f"max {times[-1]:.1f} ms; target 50 ms; "
          f"vs one nbgrader autograde (~2000 ms): {2000 / statistics.median(times):.0f}x faster")


if __name__ == "__main__":
    main()
