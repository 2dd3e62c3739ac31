"""Starting the service beside the course app, and finding it again from other commands.

``odp serve`` writes where the service listens, and an assessor token, to ``service.json`` in
the data folder (mode 0600, never inside a learner's folder): ``odp grade`` reads it to
publish results.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from course.config import Settings
from course.service import tokens
from course.service.client import HUB_TOKEN_ENV, ServiceClient
from course.service.identity import ASSESSOR, grant
from course.tracking.models import ApiToken
from course.tracking.scope import Role

INFO_FILE = "service.json"
APP_TOKEN_ENV = "ODP_APP_TOKEN"  # the unit apps' sign-in token, for the home's links
ASSESSOR_ID = "assessor"  # the embedded set-up's one assessor


@dataclass(frozen=True)
class Credentials:
    browser: str   # the learner's sign-in link token
    kernel: str    # her kernels' token: learner role only
    assessor: str  # for the assessor's commands


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def issue_credentials(session: Session, learner: str) -> Credentials:
    """New tokens for this run; the previous run's are revoked."""
    session.query(ApiToken).filter(ApiToken.note.in_(("browser", "kernel", "assessor"))).delete(
        synchronize_session=False)
    grant(session, ASSESSOR_ID, ASSESSOR)
    return Credentials(browser=tokens.issue(session, learner, note="browser"),
                       kernel=tokens.issue(session, learner, [Role.LEARNER.value], note="kernel"),
                       assessor=tokens.issue(session, ASSESSOR_ID, [ASSESSOR], note="assessor"))


def write_info(data_path: Path, url: str, assessor_token: str) -> Path:
    path = data_path / INFO_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"url": url, "assessor_token": assessor_token}, f)
    return path


def assessor_client(settings: Settings) -> ServiceClient | None:
    """The service an assessor's command talks to: from settings, else from ``service.json``."""
    token = settings.service_token or os.environ.get(HUB_TOKEN_ENV)  # an assessor's hub token
    if settings.service_url and token:
        return ServiceClient(settings.service_url.rstrip("/"), token, timeout=30)
    try:
        info = json.loads((settings.data_path / INFO_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return ServiceClient(info["url"], info["assessor_token"], timeout=30)


def start_service(settings: Settings, port: int, app_url: str, app_token: str = "") -> subprocess.Popen:
    """The service as its own process (it alone reads the secret, the banks and the store).
    ``app_token`` signs the learner in to the unit apps from the home's links (in the
    environment, never on the command line, which every local user can read)."""
    args = [sys.executable, "-m", "course.service", "--port", str(port), "--app-url", app_url,
            "--data-dir", str(settings.data_path), "--content-root", str(settings.content_root)]
    return subprocess.Popen(args, env={**os.environ, APP_TOKEN_ENV: app_token})
