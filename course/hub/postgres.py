"""The course's own PostgreSQL cluster: one server on 127.0.0.1 for the hub's database, the
tracking store and the gradebook, each with its own role and password.

It is made with Debian's ``initdb`` and run with ``pg_ctl``, as the ``odp-db`` OS user (PostgreSQL
refuses to run as root). Its socket is in a folder only that user can enter, and TCP sign-in
needs a password (scram-sha-256), so a learner who reaches the port learns nothing.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from course.exceptions import CourseError
from course.hub import accounts

OWNER = "odp-db"


class PostgresError(CourseError):
    pass


def binary(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise PostgresError(f"PostgreSQL's {name} was not found: install Debian's postgresql "
                            "package (`make hub-deps` does it)")
    return found[-1]


@dataclass(frozen=True)
class Cluster:
    data: Path
    run: Path
    port: int

    def _as_owner(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(["runuser", "-u", OWNER, "--", *args], capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise PostgresError(f"{Path(args[0]).name} failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
        return proc

    def init(self) -> None:
        accounts.ensure_system_user(OWNER, self.data, OWNER)
        for folder in (self.data, self.run):
            folder.mkdir(parents=True, exist_ok=True)
            accounts.chown(folder, OWNER, OWNER)
            folder.chmod(0o700)
        if (self.data / "PG_VERSION").exists():
            return
        self._as_owner(binary("initdb"), "-D", str(self.data), "-U", OWNER, "--auth-local=peer",
                       "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\n# odp hub\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.run}'\npassword_encryption = scram-sha-256\n")
        (self.data / "pg_hba.conf").write_text(
            f"local all {OWNER} peer\n"
            "host  all all 127.0.0.1/32 scram-sha-256\n")

    def running(self) -> bool:
        return self._as_owner(binary("pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> None:
        if not self.running():
            self._as_owner(binary("pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log"),
                           "-w", "-t", "120", "start")

    def stop(self) -> None:
        if self.running():
            self._as_owner(binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, statement: str, db: str = "postgres") -> str:
        return self._as_owner(binary("psql"), "-h", str(self.run), "-p", str(self.port), "-U", OWNER,
                              "-d", db, "-tAc", statement).stdout.strip()

    def ensure_database(self, name: str, role: str, password: str) -> str:
        """A role and a database it owns; returns the SQLAlchemy URL to reach it."""
        literal = password.replace("'", "''")
        if not self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'"):
            self.sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{literal}'")
        else:
            self.sql(f"ALTER ROLE \"{role}\" PASSWORD '{literal}'")
        if not self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            self.sql(f"CREATE DATABASE \"{name}\" OWNER \"{role}\"")
        self.sql(f"REVOKE ALL ON DATABASE \"{name}\" FROM PUBLIC")
        return self.url(role, password, name)

    def url(self, role: str, password: str, db: str) -> str:
        return f"postgresql+psycopg://{role}:{quote(password, safe='')}@127.0.0.1:{self.port}/{db}"
