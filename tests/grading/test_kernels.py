"""Kernels forked from the fork server (course/grading/kernels.py), run by nbclient as nbgrader's
Execute runs them: each is a fresh process in the submission's folder and environment, nothing
passes from one learner's kernel to the next, and interrupts, crashes and shutdown behave as
with a kernel started the usual way."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError

from course.grading import kernels
from course.forking import BadRequest
from course.grading.kernels import ForkKernelManager
from tests.memory import in_memory_of


@pytest.fixture
def server():
    yield kernels.SERVER
    kernels.SERVER.close()


def run(folder, *cells: str, timeout: int = 20, env: dict[str, str] | None = None,
        manager=ForkKernelManager) -> list[str]:
    """Run cells in a forked kernel in ``folder``; the text each printed."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    old = dict(os.environ)
    os.environ.update(env or {})
    try:
        NotebookClient(nb, kernel_manager_class=manager, timeout=timeout,
                       resources={"metadata": {"path": str(folder)}},
                       extra_arguments=["--HistoryManager.hist_file=:memory:"]).execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    return ["".join(o.get("text", "") for o in c.outputs if o.output_type == "stream") for c in nb.cells]


def test_a_forked_kernel_runs_in_the_submission_folder_with_nothing_of_the_graders_environment(tmp_path, server):
    (tmp_path / "here.txt").write_text("the submission's file")
    secrets = {"ODP_CONTENT_ROOT": "/the/banks", "ODP_DATA_DIR": "/the/secret",
               "ODP_GRADEBOOK_URL": "postgresql://grader:pw@db/odp"}
    out = run(tmp_path, "import os, sys; print(os.getcwd()); print(sorted(os.environ))",
              "print(open('here.txt').read())",
              "print(sys.path[0])",
              # what the process was started with (the fork server's), not only os.environ
              "print(open('/proc/self/environ', 'rb').read().decode(errors='replace'))",
              env=secrets)
    cwd, names = out[0].splitlines()
    assert cwd == str(tmp_path)
    assert not [n for n in eval(names) if n.startswith("ODP_")]
    assert "HOME" in names and "NBGRADER_EXECUTION" in names
    assert out[1].strip() == "the submission's file"
    assert out[2].strip() == str(tmp_path)
    assert not any(v in out[3] for v in secrets.values())
    assert "ODP_" not in out[3]


@pytest.mark.skipif(os.geteuid() != 0, reason="the grading sandbox needs root (CI is root)")
def test_a_sandboxed_forked_kernel_has_its_own_user_no_network_and_covered_folders(tmp_path, server):
    from course.grading.sandbox import Sandbox

    import shutil
    import tempfile

    # Outside pytest's 0700 folder, as IsolatedExecute's private copies are: a world-readable
    # bank, so only the sandbox's covering keeps it from the kernel.
    top = Path(tempfile.mkdtemp(prefix="odp-kernel-test-"))
    top.chmod(0o755)
    request_cleanup = lambda: shutil.rmtree(top, ignore_errors=True)  # noqa: E731
    hidden = top / "banks"
    hidden.mkdir(mode=0o755)
    (hidden / "unit.yaml").write_text("key: B")
    (hidden / "unit.yaml").chmod(0o644)
    work = Path(tempfile.mkdtemp(prefix="odp-kernel-"))
    sandbox = Sandbox.for_grading("odp-sandbox", [hidden])
    sandbox.give(work)

    class Sandboxed(ForkKernelManager):
        pass

    Sandboxed.sandbox = sandbox
    out = run(work, "import os, socket\nprint(os.getuid(), os.getgroups())",
              f"print(os.listdir({str(hidden)!r}))",
              "s = socket.socket(); s.settimeout(2); print(s.connect_ex(('127.0.0.1', 22)) != 0)",
              manager=Sandboxed)
    request_cleanup()
    shutil.rmtree(work, ignore_errors=True)
    assert out[0].split()[0] == str(sandbox.uid) and out[0].strip().endswith("[]")
    assert out[1].strip() == "[]"
    assert out[2].strip() == "True"


def test_the_kernel_has_the_course_imported_and_the_namespace_of_a_fresh_kernel(tmp_path, server):
    cells = ("import sys; print('course.notebook' in sys.modules)", "print(sorted(globals()))")
    forked = run(tmp_path, *cells)
    fresh = run(tmp_path, *cells, manager=AsyncKernelManager)
    assert forked[0] == "True\n"
    assert forked[1] == fresh[1]


def test_nothing_passes_from_one_learners_kernel_to_the_next(tmp_path, server):
    # A learner's cell that patches the marking code, or leaves a value behind, reaches no one else.
    first = run(tmp_path, "import os, random, course.grading.marking as m\n"
                          "m.mark_folder = lambda *a, **k: 'full marks'\n"
                          "left_behind = 1\n"
                          "import numpy\n"
                          "print(os.getpid(), random.random(), numpy.random.random())")
    second = run(tmp_path, "import os, random, course.grading.marking as m\n"
                           "print(m.mark_folder.__name__, 'left_behind' in globals())\n"
                           "import numpy\n"
                           "print(os.getpid(), random.random(), numpy.random.random())")
    pid1, *draw1 = first[0].split()
    seen, where = second[0].splitlines()
    assert seen == "mark_folder False"
    pid2, *draw2 = where.split()
    assert pid1 != pid2
    # each child reseeds Python's and numpy's generators: forked kernels share no random draws
    assert draw1[0] != draw2[0] and draw1[1] != draw2[1]


def test_a_cell_past_the_time_limit_is_interrupted(tmp_path, server):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("while True:\n    pass"),
                                         nbformat.v4.new_code_cell("print('after')")])
    client = NotebookClient(nb, kernel_manager_class=ForkKernelManager, timeout=2, interrupt_on_timeout=True,
                            allow_errors=True, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    assert nb.cells[0].outputs[0]["ename"] == "KeyboardInterrupt"
    assert nb.cells[1].outputs[0]["text"] == "after\n"


def test_a_kernel_that_ends_itself_is_reported_dead(tmp_path, server):
    with pytest.raises(DeadKernelError):
        run(tmp_path, "import os\nos._exit(1)", "print('never')")


def test_errors_in_cells_are_ordinary_cell_errors(tmp_path, server):
    with pytest.raises(CellExecutionError, match="ZeroDivisionError"):
        run(tmp_path, "1 / 0")


def test_kernels_end_when_their_fork_server_does(tmp_path, server):
    async def scenario() -> bool:
        km = ForkKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        try:
            os.kill(server._proc.pid, signal.SIGKILL)
            server._proc.wait(5)
            deadline = time.monotonic() + 10  # ipykernel checks its parent about once a second
            while time.monotonic() < deadline and await km.is_alive():
                await asyncio.sleep(0.2)
            return await km.is_alive()
        finally:
            await km.shutdown_kernel(now=True)
            server._proc = None

    assert asyncio.run(scenario()) is False, "a kernel outlived its fork server"


@pytest.mark.skipif(os.geteuid() != 0, reason="reading another process's memory (/proc/<pid>/mem) needs root (CI is root)")
def test_the_fork_server_keeps_no_request_so_the_next_learners_kernel_cannot_find_her_folder(tmp_path, server):
    # One fork server serves every learner's kernel, and each kernel is a copy of its memory: a
    # request it had read (her folder's path names her) would live on in the next one's kernel.
    import shutil
    import tempfile

    marker = f"odp-{secrets.token_hex(12)}"
    # In /tmp, as IsolatedExecute's folders are: a kernel's socket path must stay short.
    hers, next_one = (Path(tempfile.mkdtemp(prefix=p)) for p in (f"{marker}-", "odp-next-"))

    async def scenario() -> tuple[bool, bool]:
        managers = [ForkKernelManager(kernel_name="python3") for _ in range(2)]
        try:
            await managers[0].start_kernel(cwd=str(hers))
            await managers[1].start_kernel(cwd=str(next_one))
            return (in_memory_of(server.pid, marker.encode()),
                    in_memory_of(managers[1].provisioner.pid, marker.encode()))
        finally:
            for km in managers:
                if km.has_kernel:
                    await km.shutdown_kernel(now=True)

    try:
        in_server, in_next_kernel = asyncio.run(scenario())
    finally:
        for folder in (hers, next_one):
            shutil.rmtree(folder, ignore_errors=True)
    assert not in_server, "the fork server holds her request"
    assert not in_next_kernel, "the next learner's kernel holds her request"


def test_a_malformed_request_gets_an_error_naming_what_is_wrong_and_the_next_one_its_kernel(tmp_path, server):
    server.start()
    pid = server.pid
    malformed = {"not json": "not JSON", "[1, 2]": "not a JSON object", '{"argv": []}': "no cwd, env",
                 '{"argv": [1], "cwd": "/tmp", "env": {}}': "argv is not a list of strings",
                 '{"argv": [], "cwd": "/tmp", "env": {}, "sandbox": 3}': "sandbox is neither"}
    for line, error in malformed.items():
        with pytest.raises(BadRequest, match=error), server._lock:
            server._ask(line)
    with pytest.raises(BadRequest, match="env does not map names to strings"):
        server.fork([], str(tmp_path), {"HOME": 1})
    assert run(tmp_path, "print('served')") == ["served\n"]
    assert server.pid == pid, "the fork server was restarted"
