"""Time to interactive of the demo unit page in Chromium, under `odp serve`, beside plain Voila
serving the same page in the same run; and what each unit kernel costs in memory.

Three servers run side by side over the same learner's folder:

- **course, forked**: `odp serve --pool-size 0`: each page's kernel is forked from the
  pre-imported fork server (course/serve/provisioner.py);
- **course, forked + pool**: `odp serve --pool-size 1`: as above, plus Voila's preheated pool
  of one kernel for the unit (refilled ODP_POOL_REFILL_SECONDS, default 2 s, after it is taken);
- **plain Voila** (the baseline): stock `python -m voila` over the same folder, with the same
  template and environment: each page starts a new kernel process.

Each run, for each server: a **first visit** (a new browser context: nothing cached), then
**revisits** in the same context at least 5 s and at least 60 s after the previous page
closed. Each time is from navigation until the unit's 10 questions are on screen. Medians
of ``--runs`` runs (at least 5). Memory: with one unit page open on each server, USS
(Private_Clean + Private_Dirty) and PSS of each kernel from /proc/<pid>/smaps_rollup.

Targets (issue 16): interactive p50 <= 1.0 s on every kind of visit, >= 3x faster than plain
Voila, a unit kernel <= 60 MB USS. Under JupyterHub: not measured here (later work).

    .venv/bin/python bench/bench_unit_app.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.timing import load_average, visit  # noqa: E402
from tests.browser import AUTH_HEADER, chromium, free_port, odp_serve, wait_until_serving  # noqa: E402

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
READY = "document.querySelectorAll('.odp-question').length >= 10"
VISITS = {"first visit": 0, "revisit after 5 s": 5, "revisit after 60 s": 60}
TARGET_S, TARGET_RATIO, TARGET_USS_MB = 1.0, 3.0, 60


def memory(pid: int) -> tuple[float, float]:
    """(USS, PSS) in MB, from /proc/<pid>/smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value)
    return (fields["Private_Clean"] + fields["Private_Dirty"]) / 1024, fields["Pss"] / 1024


def kernels_of(server_pid: int) -> list[int]:
    """Kernel processes under a server: forked ones (children of the fork server) and started ones."""
    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            line = " ".join(child.cmdline())
            if "ipykernel_launcher" in line or (
                    "course.forking" in line and "course.forking" in " ".join(child.parent().cmdline())):
                found.append(child.pid)
        except psutil.Error:
            pass
    return found


def fork_servers_of(server_pid: int) -> list[int]:
    return [c.pid for c in psutil.Process(server_pid).children(recursive=True)
            if "course.forking" in " ".join(c.cmdline()) and "course.forking" not in " ".join(c.parent().cmdline())]


def plain_voila(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    from course.serve.server import SHARE

    port = free_port()
    env = dict(env, JUPYTER_PATH=str(SHARE))
    proc = subprocess.Popen([sys.executable, "-m", "voila", str(folder), "--no-browser", f"--port={port}",
                             "--template=odp"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base + "/voila/tree", proc)
    return proc, base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="odp-bench-"))
    content = work / "content"
    shutil.copytree(ROOT / "tests/fixtures/content", content)
    env = {"ODP_DEMO_COHORT": "10"}
    times: dict[str, dict[str, list[float]]] = {}
    mem: dict[str, list[tuple[float, float]]] = {}
    fork_server_mem: dict[str, tuple[float, float]] = {}
    try:
        with ExitStack() as stack:
            forked = stack.enter_context(odp_serve(content, "--pool-size", "0", env=env))
            # Its own data folder: two servers over one store would each issue the learner's
            # credentials, and the second's would end the first's kernels' sign-in to its service.
            pooled = stack.enter_context(odp_serve(content, "--pool-size", "1", "--data-dir",
                                                   str(work / "pooled-data"), env=env))
            folder = content / ".odp-data" / "learners" / "demo-learner"
            from course.config import Settings
            from course.serve.server import voila_env

            plain_env = {**voila_env(Settings(content_root=content)), **env,
                         "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
            plain_env.pop("ODP_SERVE_TOKEN")  # stock Voila: no token
            plain, plain_base = plain_voila(folder, plain_env)
            stack.callback(plain.terminate)
            servers = {"course, forked": (forked.base, forked.proc.pid, True),
                       "course, forked + pool": (pooled.base, pooled.proc.pid, True),
                       "plain Voila": (plain_base, plain.pid, False)}
            times = {name: {v: [] for v in VISITS} for name in servers}
            browser = stack.enter_context(chromium(signed_in=False))
            time.sleep(15)  # the pool fills, the servers settle
            for run in range(args.runs):
                contexts = {name: browser.new_context(extra_http_headers=AUTH_HEADER if signed else {})
                            for name, (_, _, signed) in servers.items()}
                closed: dict[str, float] = {}
                for kind, gap in VISITS.items():
                    for name, (base, _, _) in servers.items():
                        if name in closed:
                            time.sleep(max(0.0, closed[name] + gap - time.monotonic()))
                        times[name][kind].append(visit(contexts[name], base + UNIT, READY))
                        closed[name] = time.monotonic()
                for context in contexts.values():
                    context.close()
                print(f"run {run + 1}/{args.runs} done", flush=True)
            # Memory: one unit page open on each server.
            pages = []
            for name, (base, pid, signed) in servers.items():
                context = browser.new_context(extra_http_headers=AUTH_HEADER if signed else {})
                page = context.new_page()
                page.goto(base + UNIT)
                page.wait_for_function(READY, timeout=120_000)
                pages.append(page)
            time.sleep(5)  # the kernels of closed pages are reaped (course) or culled (never, plain)
            for name, (_, pid, _) in servers.items():
                mem[name] = [memory(k) for k in kernels_of(pid)]
                servers_ = fork_servers_of(pid)
                if servers_:
                    fork_server_mem[name] = memory(servers_[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load = load_average()
    print(f"\nDemo unit page (10 questions), Chromium, {psutil.cpu_count()} cores, load average {load}; "
          f"median of {args.runs} runs (all runs in brackets)")
    names = list(times)
    plain_name = "plain Voila"
    print(f"{'under odp serve':<22}" + "".join(f"{n:>26}" for n in names))
    for kind in VISITS:
        row = f"{kind:<22}"
        for name in names:
            row += f"{statistics.median(times[name][kind]):>24.2f} s"
        print(row)
        for name in names:
            print(f"    {name}: {[round(t, 2) for t in times[name][kind]]}")
    print("speed-up against plain Voila (median / median):")
    for name in names:
        if name == plain_name:
            continue
        ratios = [statistics.median(times[plain_name][k]) / statistics.median(times[name][k]) for k in VISITS]
        print(f"    {name:<24}" + "  ".join(f"{k}: {r:.1f}x" for k, r in zip(VISITS, ratios)))
    print("under JupyterHub (Voila as a server extension): not measured (later work)")
    print("kernel memory, each kernel alive with one unit page open on each server (MB):")
    for name in names:
        for uss, pss in mem.get(name, []):
            print(f"    {name:<24} kernel USS {uss:6.1f}  PSS {pss:6.1f}")
        if name in fork_server_mem:
            uss, pss = fork_server_mem[name]
            print(f"    {name:<24} its fork server USS {uss:6.1f}  PSS {pss:6.1f} (shared by all its kernels)")
    print(f"targets: p50 <= {TARGET_S} s on every visit; >= {TARGET_RATIO:.0f}x plain Voila; "
          f"unit kernel <= {TARGET_USS_MB} MB USS")


if __name__ == "__main__":
    main()
