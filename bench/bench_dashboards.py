"""Server time of every page the course service serves, on a programme the size of the real one.

Generates 20,000 learners (about two million progress events) into a SQLite file (or reuses
``--store``), then renders each page with ``course.pages.render_page`` for its viewer and for
each filter, ``--repeat`` times each, and prints p50 and p95 in milliseconds against the
targets (p50 <= 100 ms, p95 <= 300 ms). Prints figures; asserts nothing.

    .venv/bin/python bench/bench_dashboards.py [--learners 20000] [--repeat 20] [--store PATH]

Chromium time to interactive needs the course service serving these pages: pass its page
URLs with ``--browser URL`` (repeatable) and each is loaded ``--repeat`` times in headless
Chromium, printing p50/p95 of ``domInteractive`` and of the load event (target <= 1 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from course.content import load_course  # noqa: E402
from course.pages import PageLinks, cache, render_page  # noqa: E402
from course.tracking.db import make_engine  # noqa: E402
from course.tracking.models import Learner  # noqa: E402
from course.tracking.scope import Viewer  # noqa: E402
from course.tracking.synthetic import DEFAULT_AS_OF, generate_programme  # noqa: E402

P50_TARGET, P95_TARGET = 100.0, 300.0  # ms, server time per page
REPO = Path(__file__).resolve().parents[1]


def links() -> PageLinks:
    return PageLinks("/home", lambda u: f"/units/{u}", lambda u, n: f"/feedback/{u}/{n}",
                     lambda name, **q: f"/{name}?{urlencode(q)}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cases(session: Session) -> list[tuple[str, str, Viewer, dict[str, list[str]]]]:
    """(label, page, viewer, query): every page, and each dashboard filter on its own."""
    learner = session.scalar(select(Learner.id).where(Learner.status == "on_programme")
                             .order_by(Learner.id).limit(1))
    manager, dept = session.execute(
        select(Learner.line_manager_id, Learner.department_id)
        .where(Learner.department_id == "dwp").order_by(Learner.line_manager_id).limit(1)).one()
    me, boss = Viewer.learner(learner), Viewer.line_manager(manager)
    dwp, everyone = Viewer.department(dept), Viewer.profession()
    out = [("home (learner)", "home", me, {}), ("progress", "progress", me, {}),
           ("team", "team", boss, {}), ("team sorted by risk", "team", boss,
                                        {"sort": ["risk"], "order": ["desc"]}),
           ("team.csv", "team.csv", boss, {})]
    filters = [("", {}), ("qualification", {"qualification": ["l2-od-principles"]}),
               ("level 3", {"level": ["3"]}), ("team", {"team": [manager]}),
               ("started 2024", {"from": ["2024-01-01"], "to": ["2024-12-31"]})]
    for name, viewer in (("department", dwp), ("profession", everyone)):
        for label, query in filters:
            out.append((f"{name} {label}".strip(), name, viewer, query))
        out.append((f"{name}.csv", f"{name}.csv", viewer, {}))
    out.append(("profession department dwp", "profession", everyone, {"department": ["dwp"]}))
    return out


def server_times(url: str, repeat: int, as_of: date) -> None:
    """Each page ``repeat`` times. Department and profession pages twice: "cold" (their
    minute's cache emptied before every run: what the first reader in a minute waited before
    the service warmed them) and "warm" (every later reader in that minute). Unfiltered, a
    third time: "timer" (cache emptied, then the service's own timer work run, untimed, as it
    runs every 45 s: what the first reader in a minute waits now)."""
    from course.service.pages import warm_dashboards

    course = load_course(REPO, with_banks=False)
    engine = make_engine(url)
    print(f"{'page':<40}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  {'KB':>6}  target")
    with Session(engine) as session:
        for label, name, viewer, query in cases(session):
            cached = name.removesuffix(".csv") in ("department", "profession")
            kinds = ("cold", "warm", *(("timer",) if not query else ())) if cached else ("",)
            for kind in kinds:
                times, size, status = [], 0, 0
                for _ in range(repeat if kind != "timer" else min(repeat, 3)):
                    if kind == "cold":
                        cache.figures.clear()
                    elif kind == "timer":
                        cache.figures.clear()
                        warm_dashboards(lambda: Session(engine), as_of=as_of)
                    began = time.perf_counter()
                    page = render_page(name, session, course, viewer, query, links(), as_of=as_of)
                    times.append((time.perf_counter() - began) * 1000)
                    size, status = len(page.body.encode()), page.status
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                ok = "ok" if p50 <= P50_TARGET and p95 <= P95_TARGET else "MISSED"
                flag = "" if status == 200 else f" (HTTP {status})"
                shown = f"{label} ({kind})" if kind else label
                print(f"{shown:<40}{p50:>9.1f}{p95:>9.1f}{max(times):>9.1f}  "
                      f"{size / 1024:>6.0f}  {ok}{flag}")
    engine.dispose()


def browser_times(urls: list[str], repeat: int) -> None:
    """The hook for the served pages: time to interactive in headless Chromium."""
    from tests.browser import chromium

    print(f"\n{'URL':<60}{'interactive p50':>16}{'p95':>8}{'load p50':>10}")
    with chromium() as browser:
        page = browser.new_page()
        for url in urls:
            ready, loaded = [], []
            for _ in range(repeat):
                page.goto(url, wait_until="load")
                timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
                import json
                t = json.loads(timing)
                ready.append(t["domInteractive"])
                loaded.append(t["loadEventEnd"])
            print(f"{url[:59]:<60}{statistics.median(ready):>14.0f}ms"
                  f"{percentile(ready, 0.95):>6.0f}ms{statistics.median(loaded):>8.0f}ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--store", type=Path, help="a SQLite file to reuse (made if missing)")
    parser.add_argument("--browser", action="append", default=[], metavar="URL",
                        help="a page served by the course service, timed in Chromium")
    args = parser.parse_args()

    path = args.store or Path("/tmp") / f"odp-bench-{args.learners}.sqlite"
    url = f"sqlite:///{path}"
    if not path.exists():
        summary = generate_programme(url, learners=args.learners, seed=args.seed)
        print(f"generated {summary.learners:,} learners, {summary.events:,} events, "
              f"{summary.results:,} results in {summary.seconds:.0f} s "
              f"({path.stat().st_size / 1e6:.0f} MB SQLite at {path})")
    engine = make_engine(url)
    with Session(engine) as session:
        n = session.scalar(select(func.count()).select_from(Learner))
    engine.dispose()
    print(f"store: {path} ({n:,} learners), as at {DEFAULT_AS_OF}; {args.repeat} runs a page; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    server_times(url, args.repeat, DEFAULT_AS_OF)
    if args.browser:
        browser_times(args.browser, args.repeat)


if __name__ == "__main__":
    main()
