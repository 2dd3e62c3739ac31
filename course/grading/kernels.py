"""Kernels started ahead of need, for `odp grade`.

nbgrader starts a fresh kernel for every submission and waits for it (about half of each
submission's time). ``WarmExecute`` is nbgrader's own ``Execute`` preprocessor, except that the
kernel it runs a submission in was started while the previous submission was running, and has
already imported the course's modules. Every submission still gets its own fresh kernel (no
state passes between learners); before the first cell runs, the kernel moves to the submission's
folder and takes the grading environment nbgrader would have given a kernel started there.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient
from nbgrader.preprocessors import Execute

from course.grading.context import ASSIGNMENT_ENV, LEARNER_ENV

# Imported while the kernel waits for its turn: what every unit notebook imports first.
# (__import__ binds no names: the learner's namespace starts as empty as nbgrader's would.)
WARM_UP = "__import__('course.notebook'); __import__('course.grading.cells')"
# What a kernel started by nbgrader in the submission's folder would see.
PASSED_ENV = ("NBGRADER_EXECUTION", LEARNER_ENV, ASSIGNMENT_ENV, "ODP_CONTENT_ROOT", "ODP_DATA_DIR")


@dataclass
class _Warm:
    km: KernelManager
    kc: BlockingKernelClient


class KernelPool:
    """One kernel warming up at a time, per grading worker process."""

    def __init__(self, kernel_name: str = "python3", extra_arguments: list[str] | None = None) -> None:
        self.kernel_name = kernel_name
        self.extra_arguments = extra_arguments or ["--HistoryManager.hist_file=:memory:"]
        self._next: _Warm | None = None

    def _start(self) -> _Warm:
        # Unix sockets under a folder of its own: see batch._load_api for why not TCP.
        km = KernelManager(kernel_name=self.kernel_name, transport="ipc",
                           ip=str(Path(tempfile.mkdtemp(prefix="odp-warm-")) / "kernel"))
        # The kernel's own stderr (start-up warnings) is not cell output: keep the log readable.
        km.start_kernel(extra_arguments=self.extra_arguments, cwd=os.getcwd(),
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        # Sent now, run as soon as the kernel is up: the imports overlap the current submission.
        kc.execute(WARM_UP, silent=True, store_history=False)
        return _Warm(km, kc)

    def take(self, timeout: float = 120) -> KernelManager:
        warm = self._next or self._start()
        self._next = self._start()
        try:
            # The kernel answers requests in order, so once it has answered this kernel_info
            # request the warm-up was received; its imports finish before any cell runs.
            warm.kc.wait_for_ready(timeout=timeout)
        finally:
            warm.kc.stop_channels()
        # nbclient needs an asynchronous client: a blocking one would stall its event loop on
        # a cell that never ends, and its time limit would never fire.
        warm.km.client_class = "jupyter_client.asynchronous.AsyncKernelClient"
        return warm.km

    def close(self) -> None:
        if self._next is not None:
            self._next.kc.stop_channels()
            self._next.km.shutdown_kernel(now=True)
            self._next = None


POOL: KernelPool | None = None  # set in each grading worker process


class WarmExecute(Execute):
    def preprocess(self, nb, resources=None, km=None):
        if POOL is None or km is not None:
            return super().preprocess(nb, resources, km=km)
        km = POOL.take()
        self._setup = _setup_code(resources["metadata"]["path"])
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            km.shutdown_kernel(now=True)

    def preprocess_cell(self, cell, resources, index):
        setup = getattr(self, "_setup", None)
        if setup:
            self._setup = None
            reply = self.wait_for_reply(self.kc.execute(setup, silent=True, store_history=False))
            if not reply or reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not prepare the warm kernel: {reply and reply['content']}")
        return super().preprocess_cell(cell, resources, index)


def _setup_code(path: str) -> str:
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    return (f"import os, sys\nos.chdir({path!r})\nos.environ.update({env!r})\n"
            f"sys.path.insert(0, {path!r})\ndel os, sys")
