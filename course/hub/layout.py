"""Where ``odp hub`` keeps things, and the modes that keep learners out of them.

Everything lives under one folder (``ODP_HUB_DIR``, default ``/srv/odp``), owned by root:

=================  ========================  ======  ==============================================
folder             owner:group               mode    holds
=================  ========================  ======  ==============================================
``postgres/``      odp-db                    0700    the PostgreSQL cluster
``service/``       odp-service:odp-staff     0750    course secret (0640), hand-in notes
``marking/``       odp-marking               0700    the marking app's home (its runtime files)
``exchange/``      root:odp-staff            2775    nbgrader's exchange (outbound readable, inbound
                                                     and feedback staff only, see ``release``)
``course/``        root:odp-staff            2770    the assessors' nbgrader course folder
``jupyter/``       root                      0755    config that every single-user server loads
``secrets.json``   root                      0600    database passwords and the hub's tokens
=================  ========================  ======  ==============================================
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from course.exceptions import CourseError


class UnsafeModes(CourseError):
    """A folder or file a learner could read that must be private."""


@dataclass(frozen=True)
class HubLayout:
    root: Path

    @property
    def postgres(self) -> Path:
        return self.root / "postgres"

    @property
    def postgres_run(self) -> Path:
        return self.root / "postgres-run"  # the cluster's socket

    @property
    def service(self) -> Path:
        return self.root / "service"  # the course service's data folder and home

    @property
    def marking(self) -> Path:
        return self.root / "marking"  # the marking app's home (course/hub/marking.py)

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def jupyter(self) -> Path:
        return self.root / "jupyter"

    @property
    def runtime(self) -> Path:
        return self.root / "hub"  # the hub's cookie secret, the proxy's pid, logs

    @property
    def secrets_file(self) -> Path:
        return self.root / "secrets.json"

    @property
    def passwords_file(self) -> Path:
        return self.root / "initial-passwords.csv"

    def read_secrets(self, create: bool = True) -> dict[str, str]:
        """The hub's secrets, made on first use (root only)."""
        names = ("db_hub", "db_service", "db_grader", "admin_token", "service_token")
        try:
            known = json.loads(self.secrets_file.read_text())
        except FileNotFoundError:
            known = {}
        missing = [n for n in names if n not in known]
        if missing and not create:
            raise CourseError(f"no hub has been set up in {self.root}: start `odp hub` first "
                              "(as root), with the same ODP_HUB_DIR")
        if missing:
            known.update({n: secrets.token_urlsafe(24) for n in missing})
            fd = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(known, f)
        return known


def check_private(paths: list[Path]) -> None:
    """Refuse to start if anything in ``paths`` is readable by other users: a file or folder
    open to others, reached through folders that let others pass (a 0700 folder hides what is
    inside it, whatever the modes there)."""
    open_ = []

    def walk(path: Path) -> None:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            return
        if mode & (stat.S_IROTH | stat.S_IWOTH):
            open_.append(path)
        if stat.S_ISDIR(mode) and mode & stat.S_IXOTH:
            for child in path.iterdir():
                walk(child)

    for top in paths:
        if top.exists():
            walk(top)
    if open_:
        shown = ", ".join(str(p) for p in open_[:5])
        raise UnsafeModes(f"{len(open_)} private path(s) can be read by other users, e.g. {shown}: "
                          "`chmod o-rwx` them (odp hub sets these modes itself when it makes them)")


def check_homes(homes: list[Path]) -> None:
    """Every person's home is 0700: `useradd -m` makes 0755 ones, readable by everyone."""
    open_ = [h for h in homes if h.exists() and h.stat().st_mode & 0o077]
    if open_:
        raise UnsafeModes(f"home folders open to others: {', '.join(map(str, open_))} (chmod 0700 them)")
