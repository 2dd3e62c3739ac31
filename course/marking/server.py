"""Starting the assessor's marking app: Voila over ``marking.ipynb`` with the course template,
on 127.0.0.1, signed in with a token and Host-checked as the course app is (course/serve/app.py),
so no page, API call or kernel socket answers without the token. The app's kernel reads its
settings (who is marking, which course folder) from the environment set here.

``odp mark serve`` keeps ``marking_pool_size`` preheated kernels ready (Voila's pool): each has
imported the app (it is forked, see below) and read the course content, and waits for a page
(``course.marking.app.ready``). ``voila_args`` leaves the pool off unless asked: under ``odp hub``
the app is one server for every assessor, whose identity is given to each page's kernel as it
starts, which Voila's pools cannot do (and a heated kernel must not know who is marking)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from course.config import Settings
from course.marking.settings import MarkingSettings
from course.serve import provisioner, signin
from course.serve.voila_options import UNUSED_FRONT_END

NOTEBOOK = Path(__file__).resolve().parent / "marking.ipynb"
SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"   # the course's Voila template


# The app's kernel is forked from a server that has imported it (course/serve/provisioner.py),
# as the unit pages' are: a plain kernel spent seconds importing nbgrader and the course.
PRELOAD = "course.marking.app"
# JupyterLab extensions the page does not use: the unit pages' list, and code highlighting (the
# page shows no code). Each is more JavaScript for the page to fetch and run before its widget.
UNUSED_HERE = (*UNUSED_FRONT_END, "jupyterlab_pygments")


def voila_args(port: int, host: str = "127.0.0.1", forked: bool = True, *, pool_size: int = 0,
               pool_refill_seconds: float = 1.0) -> list[str]:
    args = [sys.executable, "-m", "course.serve.app", str(NOTEBOOK), "--no-browser", f"--port={port}",
            f"--Voila.ip={host}", "--Voila.port_retries=0", "--template=odp",
            "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.allow_template_override=NO"]
    if forked:
        args.append(f"--KernelProvisionerFactory.default_provisioner_name={provisioner.NAME}")
        # and no JavaScript for JupyterLab extensions the app does not use
        args.append(f"--VoilaConfiguration.extension_denylist={list(UNUSED_HERE)!r}")
    if pool_size > 0:
        args += ["--VoilaConfiguration.preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={pool_size}",
                 f"--VoilaKernelManager.fill_delay={pool_refill_seconds}"]
    return args


def voila_env(marking: MarkingSettings, settings: Settings | None = None,
              base: dict[str, str] | None = None) -> dict[str, str]:
    settings = settings or Settings()
    env = dict(os.environ if base is None else base)
    jupyter_path = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH", "")) if p)
    return dict(env, JUPYTER_PATH=jupyter_path, ODP_CONTENT_ROOT=str(settings.content_root),
                ODP_DATA_DIR=str(settings.data_path), ODP_COURSE_DIR=str(marking.folder()),
                ODP_ASSESSOR=marking.assessor, ODP_IQA_RATE=str(marking.iqa_rate),
                ODP_IQA_MINIMUM=str(marking.iqa_minimum),
                ODP_SIMILARITY_THRESHOLD=str(marking.similarity_threshold),
                ODP_SIMILAR_PASSAGE_WORDS=str(marking.similar_passage_words),
                **{provisioner.EXTRA_PRELOAD_ENV: PRELOAD},
                **{signin.TOKEN_ENV: signin.serve_token()})


def start(marking: MarkingSettings, port: int, *, settings: Settings | None = None,
          base: dict[str, str] | None = None, forked: bool = True, pool_size: int | None = None,
          **popen) -> subprocess.Popen:
    """Start the app as ``odp mark serve`` does (tests and benches start it here too): forked
    kernels and ``marking.marking_pool_size`` preheated ones unless told otherwise."""
    size = marking.marking_pool_size if pool_size is None else pool_size
    args = voila_args(port, forked=forked, pool_size=size, pool_refill_seconds=marking.marking_pool_refill_seconds)
    return subprocess.Popen(args, env=voila_env(marking, settings, base), **popen)


def run(marking: MarkingSettings, port: int) -> None:
    os.umask(0o077)  # marks, feedback and moderation records: this user's alone
    url = signin.signed_in_url(f"http://127.0.0.1:{port}")
    print(f"Marking app for {marking.assessor}: open {url}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    voila = start(marking, port)
    # Stopping `odp mark serve` stops Voila too, never leaving it behind.
    signal.signal(signal.SIGTERM, lambda signum, _frame: voila.send_signal(signum))
    try:
        voila.wait()
    except KeyboardInterrupt:
        try:
            voila.wait(timeout=20)
        except subprocess.TimeoutExpired:
            voila.kill()
