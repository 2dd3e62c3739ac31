"""Kernels forked from a pre-imported process, for grading (``course.grading.kernels``) and for
the learner's unit pages (``course.serve.provisioner``).

A fresh Python kernel costs about 0.5 CPU-s before it runs its first cell: starting the
interpreter and importing ipykernel, IPython and the course. A *fork server* pays that once: a
small process imports all of it, then forks one child per kernel (about 0.1 CPU-s each). Each
child is a new process that has run no one's code (the fork server never runs any), so nothing
passes from one kernel to the next. Nor does the fork server read a request: it forks as one
waits on stdin, and the child reads its own line and reports back, so no learner's request (her
folder's path names her) stays in the memory every later kernel copies. A malformed line gets
``{"error": ...}`` (``ForkServer.fork`` raises ``BadRequest``) and the next is served. Forked
children share the imported modules' memory pages with the fork server until they write to
them, so a kernel's own cost is its USS, and PSS counts its share of the rest.

``ForkProvisioner`` is jupyter_client's ``LocalProvisioner`` with one change: it asks a fork
server for the process instead of ``Popen``. Connection file, cwd, environment, interrupt and
shutdown stay jupyter_client's. Anything that is not an ipykernel launch falls back to ``Popen``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from jupyter_client.provisioning import LocalProvisioner

LAUNCHER = "ipykernel_launcher"
KERNEL = ("ipykernel.kernelapp", "ipykernel.ipkernel", "IPython")  # what every kernel imports


# -- the fork server (its own process) ----------------------------------------------------------

class BadRequest(ValueError):
    """A request line the fork server could not serve; the message says what was wrong."""


@dataclass
class Request:
    """One kernel to fork: ipykernel's arguments, its folder, its whole environment and the
    sandbox it enters (``course.grading.sandbox.Sandbox.to_dict``), if any."""

    argv: list[str]
    cwd: str
    env: dict[str, str]
    sandbox: dict | None = None

    @classmethod
    def parse(cls, line: bytes) -> "Request":
        # Messages name only what is wrong, never a value: they reach the fork server's memory.
        try:
            data = json.loads(line.decode())
        except UnicodeDecodeError:
            raise BadRequest("the request is not UTF-8") from None
        except json.JSONDecodeError as exc:  # its message quotes none of the request
            raise BadRequest(f"the request is not JSON ({exc.msg} at character {exc.pos})") from None
        if not isinstance(data, dict):
            raise BadRequest("the request is not a JSON object")
        missing = [k for k in ("argv", "cwd", "env") if k not in data]
        if missing:
            raise BadRequest(f"the request has no {', '.join(missing)}")
        argv, cwd, env, sandbox = data["argv"], data["cwd"], data["env"], data.get("sandbox")
        if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
            raise BadRequest("the request's argv is not a list of strings")
        if not isinstance(cwd, str):
            raise BadRequest("the request's cwd is not a string")
        if not (isinstance(env, dict) and all(isinstance(v, str) for v in env.values())):
            raise BadRequest("the request's env does not map names to strings")
        if sandbox is not None and not isinstance(sandbox, dict):
            raise BadRequest("the request's sandbox is neither an object nor null")
        return cls(argv, cwd, env, sandbox)


def serve(preload: list[str] | None = None) -> None:
    """Import ``preload`` (default: the modules named after ``-c`` on the command line), then
    fork a kernel for each JSON request line on stdin and answer ``{"pid": ...}`` (or
    ``{"error": ...}`` for a request it could not read), until stdin ends."""
    import importlib

    for name in preload if preload is not None else sys.argv[1:]:
        importlib.import_module(name)
    if threading.active_count() != 1:  # forking a process with threads can copy a held lock
        raise RuntimeError(f"the fork server has {threading.active_count()} threads after its imports")
    # What is imported now stays shared: the collector never touches (so never copies) it.
    gc.collect()
    gc.freeze()
    # The operating system reaps children at once (no zombies); their users see them end by pidfd.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print(json.dumps({"ready": os.getpid()}), flush=True)
    while True:
        select.select([0], [], [])  # a request waits (or stdin has ended): it is the child's to read
        reply = _fork_one()
        if reply is None:
            return
        print(json.dumps(reply), flush=True)


def _fork_one() -> dict | None:
    """Fork a child that reads the next request itself: every later kernel is a copy of this
    process, so a request read here (her folder's path names her) would live on, freed but not
    wiped, in the next learner's kernel. None once stdin has ended."""
    report_r, report_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(report_r)
        _child(report_w)  # never returns
    os.close(report_w)
    try:
        data = b""
        while chunk := os.read(report_r, 4096):
            data += chunk
    finally:
        os.close(report_r)
    report = json.loads(data) if data else {"error": "the fork server's child ended before it read its request"}
    if report.get("end"):
        return None
    return {"pid": pid} if report.get("ok") else {"error": report["error"]}


def _read_line(fd: int) -> bytes:
    """One line from ``fd``, a byte at a time: a larger read could take the next request too,
    into this learner's kernel."""
    line = bytearray()
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return bytes(line)


def _child(report: int) -> None:
    try:
        line = _read_line(0)
        if not line:
            os.write(report, b'{"end": true}')
            os._exit(0)
        if not line.endswith(b"\n"):
            raise BadRequest("the request ended before its newline")
        request = Request.parse(line)
    except BaseException as exc:
        message = str(exc) if isinstance(exc, BadRequest) else f"{type(exc).__name__} reading the request"
        os.write(report, json.dumps({"error": message}).encode())
        os._exit(1)
    os.write(report, b'{"ok": true}')
    os.close(report)  # before the kernel starts, which must not hold it (nor fork with it)
    _run_kernel(request)


def _run_kernel(request: Request) -> None:
    code = 1
    try:
        os.setsid()  # a process group of its own, as jupyter_client gives a kernel: interrupts reach it
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        if request.sandbox:  # a grading kernel: its own user and namespaces, before anything else
            from course.grading.sandbox import Sandbox

            Sandbox.from_dict(request.sandbox).enter(request.cwd)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1):  # off the fork server's pipes; cell output goes over zmq
            os.dup2(null, fd)
        # stderr stays the server's own, so a kernel's warnings and refusals reach its log
        os.chdir(request.cwd)
        os.environ.clear()
        os.environ.update(request.env)
        sys.path[0] = request.cwd  # where `python -m ipykernel_launcher` in that folder looks first
        sys.argv = [LAUNCHER, *request.argv]
        import random
        random.seed()  # forked children would otherwise draw the same numbers
        if "numpy" in sys.modules:  # preloaded (pandas): its global generator was copied too
            sys.modules["numpy"].random.seed()

        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(request.argv)
        if "ipywidgets" in sys.modules:
            # ipywidgets registers its comm targets when it is imported inside a kernel; here it
            # was imported by the fork server, before any kernel, so the page's widget manager
            # found no `jupyter.widget.control` target and asked for each widget's state in turn.
            sys.modules["ipywidgets"].register_comm_target()
        app.start()
        code = 0
    finally:
        os._exit(code)


# -- the kernel manager's side -----------------------------------------------------------------

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
        # jupyter_client does for a Popen.
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


class _ChildServer:
    """The parts of ``Popen`` that ``ForkServer`` uses, for a fork server forked from this
    process (``ForkServer.start_here``): it is our child, so ``waitpid`` tells when it ends."""

    def __init__(self, pid: int, stdin, stdout) -> None:
        self.pid, self.stdin, self.stdout = pid, stdin, stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: it has ended all the same
                done, status = self.pid, 0
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        fd = os.pidfd_open(self.pid) if self.poll() is None else None
        if fd is not None:
            try:
                if not select.select([fd], [], [], timeout)[0]:
                    raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            finally:
                os.close(fd)
        return self.poll() or 0


class ForkServer:
    """One fork server that has imported ``preload``, started by (and dying with) the process
    that uses it."""

    def __init__(self, preload: tuple[str, ...], env: dict[str, str] | None = None) -> None:
        self.preload = (*KERNEL, *preload)
        # The server's own environment (None: its user's), which every child's memory keeps a copy
        # of even after it sets its own: the grading server gets a minimal one.
        self.env = env
        self._proc: subprocess.Popen | _ChildServer | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _start(self) -> subprocess.Popen:
        # `-c`, not `-m`: the children's __main__ must not be this module.
        proc = subprocess.Popen([sys.executable, "-c", "from course.forking import serve; serve()",
                                 *self.preload],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                                env=self.env)
        ready = proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"the kernel fork server did not start (exit code {proc.wait()})")
        return proc

    def start_here(self) -> None:
        """Make the fork server a fork of this process, which has already imported what it
        preloads: a server forked from ``course.hub.zygote`` does this before it starts (it has
        one thread then), so its fork server costs no imports and shares the zygote's pages."""
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            to_child, from_parent = os.pipe()
            to_parent, from_child = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    os.dup2(to_child, 0)
                    os.dup2(from_child, 1)
                    for fd in (to_child, from_parent, to_parent, from_child):
                        os.close(fd)
                    sys.stdout = open(1, "w", closefd=False)
                    serve(list(self.preload))
                    code = 0
                finally:
                    os._exit(code)
            os.close(to_child)
            os.close(from_child)
            proc = _ChildServer(pid, os.fdopen(from_parent, "w", buffering=1), os.fdopen(to_parent))
            if not proc.stdout.readline():
                raise RuntimeError(f"the kernel fork server did not start (exit code {proc.wait(10)})")
            self._proc = proc

    def start(self) -> None:
        """Start it now (if not running), so the first kernel does not wait for its imports."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()

    def fork(self, argv: list[str], cwd: str, env: dict[str, str],
             sandbox: dict | None = None) -> ForkedProcess:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            # The kernel must stop if the fork server does (ipykernel watches its parent).
            argv = [*argv, f"--IPKernelApp.parent_handle={self._proc.pid}"]
            return self._ask(json.dumps({"argv": argv, "cwd": cwd, "env": env, "sandbox": sandbox}))

    def _ask(self, line: str) -> ForkedProcess:
        # The lock is held: one request at a time, each with its reply.
        self._proc.stdin.write(line + "\n")
        self._proc.stdin.flush()
        reply = self._proc.stdout.readline()
        if not reply:
            raise RuntimeError("the kernel fork server stopped")
        answer = json.loads(reply)
        if "error" in answer:
            raise BadRequest(f"the kernel fork server refused the request: {answer['error']}")
        return ForkedProcess(answer["pid"])

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()  # it ends at the end of its input
            self._proc.wait(10)
            self._proc = None


class ForkProvisioner(LocalProvisioner):
    """A provisioner whose ipykernel kernels are forked from ``server`` (set by subclasses)."""

    server: ClassVar[ForkServer]

    def sandbox_request(self) -> dict | None:
        """The sandbox the child enters before its kernel starts (``course.grading.sandbox``)."""
        return None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if LAUNCHER not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = dict(kwargs.get("env") or os.environ)
        # In a thread: the first fork waits for the server's imports, and a server's event
        # loop (Voila's) must not stop for it.
        self.process = await asyncio.to_thread(self.server.fork, cmd[cmd.index(LAUNCHER) + 1:], cwd, env,
                                               self.sandbox_request())
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if not isinstance(self.process, ForkedProcess):
            return await super().wait()
        await self.process.ended()
        self.process = None
        return 0
