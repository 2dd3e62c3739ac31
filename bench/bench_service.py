"""The course service under a cohort: 50 learners each saving 200 answers at once, with the
service killed (SIGKILL) part-way and started again.

Each learner is a thread sending answers as a kernel does (``ServiceClient``, one request per
answer, a new request id each, the same id again on a retry). The service is a real process on
SQLite in a temporary data folder, over the project's own content. Prints answers per second and
latency percentiles, then checks durability: every answer the service acknowledged is in the
store, none twice, and every learner's chain verifies under her key.
Baseline named: the same load with no kill, in the same run (the kill's cost).

    .venv/bin/python bench/bench_service.py [--learners 50] [--answers 200]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.content import load_course  # noqa: E402
from course.record import verify  # noqa: E402
from course.record.keys import course_secret, learner_key  # noqa: E402
from course.service import tokens  # noqa: E402
from course.service.app import build_context  # noqa: E402
from course.service.client import ServiceClient, ServiceRefused, ServiceUnavailable  # noqa: E402
from course.tracking.db import session_scope  # noqa: E402
from course.tracking.migrations import upgrade_to_head  # noqa: E402
from course.tracking.models import Department, Learner  # noqa: E402

UNIT = "working-in-od"


def start(port: int, data: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "course.service", "--port", str(port), "--data-dir",
                             str(data), "--content-root", str(ROOT), "--exchange", str(data / "exchange")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    probe = ServiceClient(f"http://127.0.0.1:{port}", "none", timeout=2)
    while True:
        try:
            probe.call("GET", "/api/whoami")
        except ServiceRefused:
            return proc  # answering (403 to a stranger)
        except ServiceUnavailable:
            time.sleep(0.1)


def run(learners: int, answers: int, kill_at: float | None) -> dict:
    data = Path(tempfile.mkdtemp(prefix="odp-bench-service-"))
    db = f"sqlite:///{data / 'odp.sqlite'}"
    upgrade_to_head(db)
    people = [f"bench-{n:03d}" for n in range(learners)]
    with session_scope(db) as s:
        s.add(Department(id="dwp", name="DWP"))
        for p in people:
            s.add(Learner(id=p, name=p, email=f"{p}@example.gov.uk", department_id="dwp",
                          line_manager_id="m", qualification_id="l2-od-principles", level=2,
                          start_date=date(2026, 1, 1), planned_end_date=date(2026, 10, 1)))
        given = {p: tokens.issue(s, p, ["learner"]) for p in people}
    items = sorted(build_context(ROOT, data, db, host="127.0.0.1", port=1).items.formative[UNIT])
    port = __import__("tests.browser", fromlist=["free_port"]).free_port()
    url = f"http://127.0.0.1:{port}"
    proc = [start(port, data)]
    acked: dict[str, set[str]] = {p: set() for p in people}
    latencies: list[float] = []
    lock = threading.Lock()
    total = learners * answers
    done = [0]
    killed = threading.Event()

    def learner(person: str) -> None:
        client = ServiceClient(url, given[person], timeout=10)
        for n in range(answers):
            rid = uuid.uuid4().hex
            body = {"request_id": rid, "item": items[n % len(items)], "kind": "answer", "response": f"a{n}"}
            while True:  # retry the same request id until the service answers
                t0 = time.perf_counter()
                try:
                    client.call("POST", f"/api/records/{UNIT}", body)
                    break
                except ServiceUnavailable:
                    time.sleep(0.05)
            with lock:
                latencies.append(time.perf_counter() - t0)
                acked[person].add(rid)
                done[0] += 1
                if kill_at is not None and not killed.is_set() and done[0] >= kill_at * total:
                    killed.set()
                    proc[0].kill()  # SIGKILL: no chance to tidy up
                    proc[0].wait()
                    threading.Thread(target=lambda: proc.__setitem__(0, start(port, data))).start()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=learner, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    proc[0].terminate()
    proc[0].wait()

    secret = course_secret(data)
    from course.service.records import RecordBook
    from course.tracking.models import RecordEntry
    from sqlalchemy import func, select
    book = RecordBook(secret)
    missing = twice = broken = 0
    with session_scope(db) as s:
        for p in people:
            stored = [r for (r,) in s.execute(select(RecordEntry.request_id).where(RecordEntry.learner_id == p))]
            missing += len(acked[p] - set(stored))
            twice += len(stored) - len(set(stored))
            header, entries = book.read(s, p, UNIT)
            broken += not verify(header, entries, learner_key(secret, p), learner=p, unit=UNIT).ok
        stored_total = s.scalar(select(func.count()).select_from(RecordEntry))
    lat = sorted(latencies)
    return {"wall": wall, "rate": total / wall, "p50": lat[len(lat) // 2] * 1000,
            "p95": lat[int(len(lat) * 0.95)] * 1000, "missing": missing, "twice": twice,
            "broken": broken, "stored": stored_total, "sent": total}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--learners", type=int, default=50)
    ap.add_argument("--answers", type=int, default=200)
    args = ap.parse_args()
    rows = [("no kill (baseline)", run(args.learners, args.answers, None)),
            ("SIGKILL at 50%, restarted", run(args.learners, args.answers, 0.5))]
    print(f"{args.learners} learners x {args.answers} answers against the course service (SQLite)")
    print(f"{'run':28} {'answers/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'wall s':>8}  durability")
    for name, r in rows:
        print(f"{name:28} {r['rate']:10.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['wall']:8.1f}  "
              f"{r['stored']} stored of {r['sent']} acknowledged; {r['missing']} missing, "
              f"{r['twice']} twice, {r['broken']} broken chains")
    base, hit = rows[0][1], rows[1][1]
    print(f"ratio: the run with a kill took {hit['wall'] / base['wall']:.2f}x the baseline's wall time")


if __name__ == "__main__":
    main()
