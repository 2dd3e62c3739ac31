"""The marking app as `odp mark serve` starts it (course.marking.server.start: forked kernels, a
preheated one kept ready), on a free port over a course copy, for the tests and benches that
open it in Chromium."""

from __future__ import annotations

import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psutil

from course.config import Settings
from course.marking.server import start
from course.marking.settings import MarkingSettings
from tests.browser import free_port, stop, wait_until_serving
from tests.grading.course_copy import CourseCopy


@dataclass
class RunningApp:
    base: str
    proc: subprocess.Popen
    port: int
    pool_size: int

    def waiting_kernels(self) -> int:
        """Preheated kernels that have run the page's first cell and wait for a page: each holds
        a connection to the server (Voila's /voila/query/<kernel>)."""
        count = 0
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                count += any(c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == self.port
                             for c in child.net_connections(kind="tcp"))
            except psutil.Error:
                pass
        return count

    def wait_for_pool(self, limit: float = 120) -> None:
        """Until every preheated kernel waits for a page (at once without a pool)."""
        deadline = time.monotonic() + limit
        while self.waiting_kernels() < self.pool_size:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the marking app's {self.pool_size} preheated kernel(s) were not ready "
                                   f"within {limit} s")
            time.sleep(0.2)


@contextmanager
def marking_app(course: CourseCopy, assessor: str, *, forked: bool = True, pool_size: int | None = None,
                log=None) -> Iterator[RunningApp]:
    """Run the marking app for ``assessor`` over ``course``'s autograder folder. Its output goes
    to a log file (shown if it fails to start), or to ``log``."""
    marking = MarkingSettings(course_dir=course.autograder, assessor=assessor)
    size = marking.marking_pool_size if pool_size is None else pool_size
    port = free_port()
    path = Path(tempfile.mkstemp(prefix="odp-marking-", suffix=".log")[1])
    with path.open("w") as out:
        proc = start(marking, port, settings=Settings(content_root=course.root, data_dir=course.data),
                     base=course.env, forked=forked, pool_size=size, stdout=log or out,
                     stderr=subprocess.STDOUT)
    app = RunningApp(f"http://127.0.0.1:{port}/", proc, port, size)
    try:
        wait_until_serving(app.base, proc, output=lambda: path.read_text()[-3000:])
        yield app
    finally:
        stop(proc)
        path.unlink(missing_ok=True)

