"""Starting Voila over a learner's working folder, with bounded, culled kernels."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from course.config import Settings
from course.content import require_course
from course.exceptions import ServeError
from course.serve import workspace


def voila_args(settings: Settings, folder: Path) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(folder),
        "--no-browser",
        f"--port={settings.port}",
        f"--Voila.ip={settings.host}",
        # Idle kernels are reaped so abandoned tabs cannot pile up (Voila #617).
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|svg|css)']",
    ]


def run(settings: Settings) -> None:
    course = require_course(settings.content_root)
    folder = workspace.prepare(course, settings.data_path, settings.learner)
    env = dict(os.environ, ODP_CONTENT_ROOT=str(settings.content_root),
               ODP_DATA_DIR=str(settings.data_path), ODP_LEARNER=settings.learner)
    if shutil.which("voila") is None and not _has_voila():
        raise ServeError("Voila is not installed: run `pip install odp-course`")
    url = f"http://{settings.host}:{settings.port}/voila/render/{workspace.HOME}"
    print(f"Course for {settings.learner}: open {url}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        subprocess.run(voila_args(settings, folder), env=env, check=False)
    except KeyboardInterrupt:
        pass


def _has_voila() -> bool:
    try:
        import voila  # noqa: F401
    except ImportError:
        return False
    return True
