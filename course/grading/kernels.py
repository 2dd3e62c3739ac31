"""Kernels started ahead of need, for `odp grade`: forked from a pre-imported process.

A fresh Python kernel costs about 0.5 CPU-s before it runs a learner's first cell: starting the
interpreter and importing ipykernel, IPython and the course. On two cores that was most of the
cost of grading a submission. A *fork server* pays it once per grading worker: a small process
imports all of that, then forks one child per kernel (about 0.1 CPU-s each). Each child is a new
process that has run no learner's code (the fork server never runs any), so no state passes from
one learner to the next, as with nbgrader's own fresh kernels.

``ForkKernelManager`` is the ``AsyncKernelManager`` nbclient uses, with one change: its
provisioner asks the fork server for the process instead of ``Popen``. Everything else
(connection file, cwd, environment, interrupt, shutdown) is jupyter_client's and nbclient's, so
nbgrader's ``Execute`` runs it as it would any kernel. Anything that is not an ipykernel launch
falls back to ``Popen``.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

LAUNCHER = "ipykernel_launcher"
# What every unit notebook imports, and ipykernel itself: what each child no longer imports.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "course.notebook",
           "course.grading.cells")


# -- the fork server (its own process) ----------------------------------------------------------

def serve() -> None:
    """Read one JSON request a line on stdin, fork a kernel for each, answer with its pid."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    if threading.active_count() != 1:  # forking a process with threads can copy a held lock
        raise RuntimeError(f"the fork server has {threading.active_count()} threads after its imports")
    # The operating system reaps children at once (no zombies); workers see them end by pidfd.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _run_kernel(request)  # never returns
        print(json.dumps({"pid": pid}), flush=True)


def _run_kernel(request: dict[str, Any]) -> None:
    code = 1
    try:
        os.setsid()  # a process group of its own, as jupyter_client gives a kernel: interrupts reach it
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # off the fork server's pipes; cell output goes over zmq
            os.dup2(null, fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]  # where `python -m ipykernel_launcher` in that folder looks first
        sys.argv = [LAUNCHER, *request["argv"]]
        import random
        random.seed()  # forked children would otherwise draw the same numbers

        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    finally:
        os._exit(code)


# -- the grading worker's side -----------------------------------------------------------------

@dataclass
class ForkedProcess:
    """The parts of ``Popen`` that jupyter_client's provisioner uses, for a process we did not
    start ourselves (it is the fork server's child). A pidfd tells when it has ended."""

    pid: int
    stdin: None = None
    stdout: None = None
    stderr: None = None
    returncode: int | None = None

    def __post_init__(self) -> None:
        try:
            self._fd = os.pidfd_open(self.pid)
        except ProcessLookupError:  # ended (and was reaped) before we looked: a failed start
            self.returncode = 1

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], 0)[0]:
            self.returncode = 0  # ended (the fork server reaps it, so its status is not known)
            os.close(self._fd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
        return self.poll() or 0

    async def ended(self) -> None:
        # Woken by the pidfd as the process ends, rather than polling every 0.1 s as
        # jupyter_client does for a Popen: that poll was 0.1 s of every submission.
        if self.poll() is not None:
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(self._fd, lambda: done.done() or done.set_result(None))
        try:
            await done
        finally:
            loop.remove_reader(self._fd)
        self.poll()

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkServer:
    """One fork server, started by (and dying with) the process that uses it."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        # `-c`, not `-m`: the children's __main__ must not be this module.
        proc = subprocess.Popen([sys.executable, "-c", "from course.grading.kernels import serve; serve()"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        ready = proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"the kernel fork server did not start (exit code {proc.wait()})")
        return proc

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> ForkedProcess:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            # The kernel must stop if the fork server does (ipykernel watches its parent).
            argv = [*argv, f"--IPKernelApp.parent_handle={self._proc.pid}"]
            self._proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self._proc.stdin.flush()
            reply = self._proc.stdout.readline()
        if not reply:
            raise RuntimeError("the kernel fork server stopped")
        return ForkedProcess(json.loads(reply)["pid"])

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()  # it ends at the end of its input
            self._proc.wait(10)
            self._proc = None


SERVER = ForkServer()


class ForkProvisioner(LocalProvisioner):
    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if LAUNCHER not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = dict(kwargs.get("env") or os.environ)
        self.process = SERVER.fork(cmd[cmd.index(LAUNCHER) + 1:], cwd, env)
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if not isinstance(self.process, ForkedProcess):
            return await super().wait()
        await self.process.ended()
        self.process = None
        return 0


class ForkKernelManager(AsyncKernelManager):
    """nbclient's ``AsyncKernelManager``, with ipykernel kernels forked from the fork server."""

    async def _async_pre_start_kernel(self, **kw: Any):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        if self.provisioner is None:
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                               parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After a kill, jupyter_client polls every 0.1 s until the kernel has gone.
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, ForkedProcess):
            await process.ended()
        else:
            await super()._async_wait(pollinterval)
