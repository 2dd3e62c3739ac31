"""A real `odp hub` on 127.0.0.1 for the tests: its own hub folder and ports, real OS accounts
made from a roster by `odp hub enrol`, all removed afterwards."""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from course.hub import accounts
from course.hub.layout import HubLayout
from tests.browser import free_port, stop
from tests.conftest import REPO

BIN = Path(sys.executable).parent


@dataclass
class Hub:
    folder: Path
    env: dict[str, str]
    proc: subprocess.Popen
    log: Path
    people: dict[str, str] = field(default_factory=dict)  # role key -> account name
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def layout(self) -> HubLayout:
        return HubLayout(self.folder)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['ODP_HUB_PORT']}"

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.env['ODP_SERVICE_PORT']}/services/course"

    @property
    def marking_url(self) -> str:
        return f"{self.url}/services/marking/"

    def token_for(self, user: str) -> str:
        """A hub token for ``user`` with her server token's scopes on the course service."""
        return self.api("POST", f"/users/{user}/tokens",
                        {"scopes": ["access:services!service=course", "read:users:groups!user"],
                         "note": "test"})["token"]

    @property
    def gradebook_url(self) -> str:
        from course.hub.postgres import Cluster

        known = self.layout.read_secrets(create=False)
        return Cluster(self.layout.postgres, self.layout.postgres_run,
                       int(self.env["ODP_HUB_POSTGRES_PORT"])).url("odp_grader", known["db_grader"], "gradebook")

    def api(self, method: str, path: str, body=None):
        from course.hub.hubapi import HubAPI

        token = self.layout.read_secrets(create=False)["admin_token"]
        return HubAPI(f"http://127.0.0.1:{self.env['ODP_HUB_API_PORT']}/hub/api", token).call(method, path, body)

    def get_json(self, path: str, token: str):
        """GET ``path`` on the hub's public address with ``token`` (a person's own, say)."""
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())

    def odp(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "odp"), *args], env=self.env, capture_output=True, text=True,
                              timeout=900, cwd=REPO)
        if ok and proc.returncode != 0:
            raise AssertionError(f"odp {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr[-3000:]}")
        return proc

    def as_user(self, user: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
                ok: bool = True) -> subprocess.CompletedProcess:
        """A command run as ``user``'s own OS account (what her kernel or terminal could do)."""
        home = f"/home/{user}"
        base = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", **(env or {})}
        proc = subprocess.run(["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in base.items()], *args],
                              capture_output=True, text=True, timeout=900, cwd=cwd or home)
        if ok and proc.returncode != 0:
            raise AssertionError(f"{' '.join(args)} as {user} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
        return proc


def _wait(url: str, proc: subprocess.Popen, log: Path, limit: float = 900, up: int = 200) -> None:
    deadline = time.monotonic() + limit
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"odp hub exited ({proc.returncode}):\n{log.read_text(errors='replace')[-5000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == up:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code == up:
                return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {limit} s:\n{log.read_text(errors='replace')[-5000:]}")
        time.sleep(0.5)


ROLES = {"amy": ("learner", "dwp", "mo", "l2-od-principles"), "ben": ("learner", "dwp", "mo", "l2-od-principles"),
         "cat": ("learner", "hmrc", "other", "l2-od-principles"), "ann": ("assessor", "", "", ""),
         "ash": ("assessor", "", "", ""),  # a second assessor: the marking app tells them apart
         "mo": ("line_manager", "dwp", "", "")}


def roles_for(learners: int | None = None) -> dict[str, tuple[str, str, str, str]]:
    """The tests' five people (``None``), or ``learners`` learners (``l001``, ...) in one team,
    with its line manager and an assessor (bench/bench_hub.py)."""
    if learners is None:
        return ROLES
    team = {f"l{n:03d}": ("learner", "dwp", "mo", "l2-od-principles") for n in range(1, learners + 1)}
    return {**team, "ann": ROLES["ann"], "mo": ROLES["mo"]}


@contextmanager
def running_hub(learners: int | None = None, settings: dict[str, str] | None = None) -> Iterator[Hub]:
    """A hub with the people of ``roles_for(learners)`` enrolled, each made an OS account;
    ``settings``: more ``ODP_*`` settings for ``odp hub`` (bench/bench_hub.py's spawners)."""
    roles = roles_for(learners)
    tag = secrets.token_hex(2)
    names = {key: f"t{tag}-{key}" for key in roles}
    folder = Path(tempfile.mkdtemp(prefix="odp-hub-", dir="/tmp"))
    folder.chmod(0o755)  # the course's own users pass through it (layout.py sets what is inside)
    ports = {"ODP_HUB_PORT": free_port(), "ODP_HUB_API_PORT": free_port(), "ODP_HUB_PROXY_API_PORT": free_port(),
             "ODP_HUB_POSTGRES_PORT": free_port(), "ODP_SERVICE_PORT": free_port(),
             "ODP_HUB_MARKING_PORT": free_port()}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODP_", "NBGRADER_", "JUPYTERHUB_"))}
    env.update({k: str(v) for k, v in ports.items()}, ODP_HUB_DIR=str(folder), ODP_CONTENT_ROOT=str(REPO),
               PATH=f"{BIN}:{env['PATH']}", ODP_HUB_IDLE_MINUTES="60", **(settings or {}))
    log = folder.parent / f"{folder.name}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([str(BIN / "odp"), "hub"], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    hub = Hub(folder, env, proc, log, people=names)
    try:
        _wait(f"{hub.url}/hub/api/", proc, log)
        _wait(f"{hub.service_url}/api/whoami", proc, log, up=403)  # up and loaded: it wants a credential
        roster = folder.parent / f"{folder.name}-roster.csv"
        with open(roster, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "department", "line_manager", "qualification", "role"])
            for key, (role, dept, manager, qual) in roles.items():
                w.writerow([names[key], f"{key.title()} Tester", dept, names.get(manager, manager and f"t{tag}-{manager}"), qual, role])
        hub.roster = roster
        hub.enrolled = hub.odp("hub", "enrol", str(roster))
        for line in hub.layout.passwords_file.read_text().splitlines():
            name, password = line.split(",", 1)
            hub.passwords[name] = password
        yield hub
    finally:
        stop(proc, timeout=120)  # the hub stops every server first
        subprocess.run(["pkill", "-u", ",".join(n for n in names.values() if accounts.exists(n))], check=False)
        for name in names.values():
            try:
                accounts.remove_person(name)
            except accounts.AccountError:
                pass
        subprocess.run(["pkill", "-f", f"configurable-http-proxy.*{ports['ODP_HUB_PORT']}"], check=False)
        shutil.rmtree(folder, ignore_errors=True)
