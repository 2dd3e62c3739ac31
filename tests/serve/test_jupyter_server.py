"""The unit-kernel provisioner under a Jupyter server, as a JupyterHub single-user server runs
it: `jupyter server` with Voila as a server extension (no Voila pools there), selected by
configuration alone. The page's kernel is forked from the fork server, not started anew."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from course.config import Settings
from course.serve.server import prepare, voila_env
from course.content import require_course
from tests.browser import AUTH_HEADER, free_port, wait_until_serving
from tests.serve.running import course_copy, get

pytestmark = pytest.mark.slow

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"


def test_a_jupyter_server_with_voila_forks_unit_kernels(tmp_path):
    root = course_copy(tmp_path)
    settings = Settings(content_root=root, demo_cohort=5, pool_size=0)
    folder, _ = prepare(settings, require_course(root))
    port = free_port()
    env = voila_env(settings)
    token = env.pop("ODP_SERVE_TOKEN")
    env.update(PATH=f"{Path(sys.executable).parent}:{env['PATH']}", JUPYTER_TOKEN=token)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--allow-root",
         f"--ServerApp.root_dir={folder}", "--KernelProvisionerFactory.default_provisioner_name=odp-fork",
         "--VoilaConfiguration.template=odp"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base + "/login", proc)
        status, page = get(base + UNIT, timeout=120)
        assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
        kernels = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if c.parent().pid != proc.pid]
        assert kernels, "no kernel under the fork server"
        assert all("course.forking" in " ".join(c.cmdline()) for c in kernels)
        assert not any("ipykernel_launcher" in " ".join(c.cmdline())
                       for c in psutil.Process(proc.pid).children(recursive=True))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
