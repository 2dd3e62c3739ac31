"""Starting Voila over a learner's working folder, with the course template and culled kernels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course.config import Settings
from course.content import require_course
from course.record.keys import course_secret, learner_key
from course.serve import workspace

SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"


def voila_args(settings: Settings, folder: Path) -> list[str]:
    return [
        sys.executable, "-m", "voila", str(folder),
        "--no-browser",
        f"--port={settings.port}",
        f"--Voila.ip={settings.host}",
        "--template=odp",
        # Idle kernels are reaped so abandoned tabs cannot pile up (Voila #617).
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|svg|css)']",
    ]


def voila_env(settings: Settings) -> dict[str, str]:
    key = learner_key(course_secret(settings.data_path), settings.learner)
    jupyter_path = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p)
    return dict(os.environ, JUPYTER_PATH=jupyter_path, ODP_CONTENT_ROOT=str(settings.content_root),
                ODP_DATA_DIR=str(settings.data_path), ODP_LEARNER=settings.learner,
                ODP_RECORD_KEY=key.hex())


def run(settings: Settings) -> None:
    course = require_course(settings.content_root)
    folder = workspace.prepare(course, settings.data_path, settings.learner)
    url = f"http://{settings.host}:{settings.port}/voila/render/{workspace.HOME}"
    print(f"Course for {settings.learner}: open {url}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    try:
        subprocess.run(voila_args(settings, folder), env=voila_env(settings), check=False)
    except KeyboardInterrupt:
        pass
