"""`odp serve` as a real process for tests that need its process tree (kernels) or its log."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psutil

from tests.browser import free_port, wait_until_serving


@dataclass
class Served:
    base: str
    proc: subprocess.Popen
    log: Path

    def kernels(self) -> int:
        """ipykernel processes under the server right now."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return 0
        count = 0
        for child in children:
            try:
                count += "ipykernel_launcher" in " ".join(child.cmdline())
            except psutil.Error:
                pass
        return count


def get(url: str, timeout: float = 90) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


@contextmanager
def odp_serve(content_root: Path, *args: str, env: dict[str, str] | None = None
              ) -> Iterator[Served]:
    port = free_port()
    bin_dir = Path(sys.executable).parent
    full_env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", **(env or {}))
    log = Path(tempfile.mkstemp(prefix="odp-serve-", suffix=".log")[1])
    with log.open("w") as out:
        proc = subprocess.Popen([str(bin_dir / "odp"), "serve", "--port", str(port), *args],
                                cwd=content_root, env=full_env, stdout=out,
                                stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_until_serving(served.base + "/voila/tree", proc, output=lambda: log.read_text()[-3000:])
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)


def wait_until(check, timeout: float, every: float = 0.5):
    """Poll ``check`` until it returns something truthy; that value, or None at timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    return None


def course_copy(dest: Path) -> Path:
    """A private copy of the small fixture course (content root) to serve."""
    from tests.conftest import FIXTURES

    root = dest / "content"
    shutil.copytree(FIXTURES / "content", root, symlinks=True)
    return root
