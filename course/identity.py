"""Who the learner is, as seen from inside their kernel."""

from __future__ import annotations

import getpass
import os


def current_learner() -> str:
    """``ODP_LEARNER`` (set by the course server), else the JupyterHub user, else the OS user."""
    return os.environ.get("ODP_LEARNER") or os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
