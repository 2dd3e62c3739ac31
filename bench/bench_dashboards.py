"""Times every dashboard figure on a synthetic programme the size of the real one.

Generates 20,000 learners (about two million progress events) into a temporary SQLite file,
then runs each figure for the profession, one department and one line manager, five times
each, and prints the median against the 1 second target. Prints figures; asserts nothing.

    /tmp/venv/bin/python bench/bench_dashboards.py [--learners 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from course.tracking import metrics  # noqa: E402
from course.tracking.db import make_engine  # noqa: E402
from course.tracking.models import Learner  # noqa: E402
from course.tracking.scope import Viewer  # noqa: E402
from course.tracking.synthetic import generate_programme  # noqa: E402

TARGET = 1.0  # seconds per dashboard query
FIGURES = [metrics.funnel, metrics.status_counts, metrics.first_time_pass_rate,
           metrics.time_to_complete, metrics.at_risk]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        url = f"sqlite:///{path}"
        summary = generate_programme(url, learners=args.learners, seed=args.seed)
        print(f"generated {summary.learners:,} learners, {summary.events:,} events, "
              f"{summary.results:,} results in {summary.seconds:.1f} s "
              f"({path.stat().st_size / 1e6:.0f} MB SQLite)")
        print(f"status: {summary.status}; {summary.line_managers:,} line managers; "
              f"{len(summary.synthetic_qualifications)} of {len(summary.qualifications)} "
              "qualifications are synthetic extras")

        engine = make_engine(url)
        with Session(engine) as session:
            department = "dwp"  # the largest
            manager = session.scalar(select(Learner.line_manager_id)
                                     .where(Learner.department_id == department)
                                     .order_by(Learner.line_manager_id).limit(1))
            viewers = [("profession", Viewer.profession()),
                       (f"department {department}", Viewer.department(department)),
                       (f"line manager {manager}", Viewer.line_manager(manager))]
            print(f"\n{'viewer':<26}{'figure':<22}{'median s':>10}{'target s':>10}"
                  f"{'ratio':>8}  headline")
            for label, viewer in viewers:
                for figure in FIGURES:
                    times, result = [], None
                    for _ in range(args.repeat):
                        began = time.perf_counter()
                        result = figure(session, viewer, as_of=summary.as_of)
                        times.append(time.perf_counter() - began)
                    median = statistics.median(times)
                    print(f"{label:<26}{figure.__name__:<22}{median:>10.3f}{TARGET:>10.1f}"
                          f"{median / TARGET:>8.2f}  {headline(result)}")
        engine.dispose()


def headline(figure) -> str:
    t = figure.total
    match figure:
        case metrics.Funnel():
            return (f"started {t.started}, active {t.active}, submitted {t.submitted}, "
                    f"passed {t.passed}, completed {t.completed}")
        case metrics.StatusCounts():
            return f"on programme {t.on_programme}, completed {t.completed}, withdrawn {t.withdrawn}"
        case metrics.FirstTimePassRate():
            return f"{t.passed_first_time}/{t.first_attempts} = {t.rate:.1%}" if t.rate is not None else "–"
        case metrics.TimeToComplete():
            return f"median {t.median_days} days over {t.completed}"
        case metrics.AtRisk():
            return f"{t.at_risk} of {t.on_programme} at risk"
    return ""


if __name__ == "__main__":
    main()
