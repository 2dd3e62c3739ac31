"""What one grading kernel costs: forked from the fork server against started as a new process.

Starts N kernels each way, in turn, as nbclient does for every submission (start, wait until
ready, run the unit notebook's first cell, shut down), and prints the median of each phase and
the CPU the kernel process itself used (from /proc/<pid>/stat, read just before shutdown).
Baseline: jupyter_client's ``AsyncKernelManager`` (a new ``python -m ipykernel_launcher`` per
kernel), which is what stock ``nbgrader autograde`` uses.

    .venv/bin/python bench/bench_kernels.py [--n 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client import AsyncKernelManager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.grading import kernels  # noqa: E402

FIRST_CELL = "from course.notebook import open_unit"
TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


async def one(manager: type, folder: str) -> dict[str, float]:
    t0 = time.perf_counter()
    km = manager(kernel_name="python3", transport="ipc", ip=str(Path(tempfile.mkdtemp()) / "k"))
    await km.start_kernel(cwd=folder, extra_arguments=["--HistoryManager.hist_file=:memory:"])
    t1 = time.perf_counter()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=60)
    t2 = time.perf_counter()
    reply = await kc.execute_interactive(FIRST_CELL, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    t3 = time.perf_counter()
    cpu = process_cpu(km.provisioner.pid)
    kc.stop_channels()
    await km.shutdown_kernel(now=True)
    t4 = time.perf_counter()
    return {"start": t1 - t0, "ready": t2 - t1, "first cell": t3 - t2, "shutdown": t4 - t3,
            "total": t4 - t0, "kernel CPU-s": cpu}


async def main(n: int) -> None:
    folder = tempfile.mkdtemp()
    results = {}
    for name, manager in (("new process (stock)", AsyncKernelManager), ("forked", kernels.ForkKernelManager)):
        await one(manager, folder)  # the fork server starts on first use: not timed
        runs = [await one(manager, folder) for _ in range(n)]
        results[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    kernels.SERVER.close()
    print(f"median of {n} kernels each; seconds")
    print(f"{'phase':<14}" + "".join(f"{name:>22}" for name in results))
    for phase in next(iter(results.values())):
        print(f"{phase:<14}" + "".join(f"{r[phase]:>22.3f}" for r in results.values()))
    stock, forked = results.values()
    print(f"ratio (stock / forked): total {stock['total'] / forked['total']:.2f}x, "
          f"kernel CPU {stock['kernel CPU-s'] / max(forked['kernel CPU-s'], 0.001):.1f}x")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10, help="kernels started each way")
    asyncio.run(main(ap.parse_args().n))
