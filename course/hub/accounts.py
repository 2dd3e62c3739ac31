"""OS users and groups for the hub, with the shadow utilities (``useradd`` and friends).

Everyone's home is made 0700 (``useradd -m`` makes 0755 ones, which anyone may read). The
course's own accounts (the service, the database) are system users with no login shell.
"""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
from pathlib import Path

from course.exceptions import CourseError

PEOPLE_GROUP = "odp-people"  # the OS group of everyone enrolled (`odp hub` checks their homes)
NAME_RULE = "lowercase letters, digits, '-' or '_', starting with a letter, at most 32"


class AccountError(CourseError):
    pass


def valid_name(name: str) -> bool:
    import re

    return bool(re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", name))


def _run(*args: str, stdin: str | None = None) -> None:
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AccountError(f"{args[0]} failed: {proc.stderr.strip() or proc.returncode}")


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> None:
    if not group_exists(name):
        _run("groupadd", "--system" if name.startswith("odp-") else "--force", name)


def ensure_system_user(name: str, home: Path, group: str) -> None:
    """An account for one of the course's own processes (no shell, no password)."""
    ensure_group(group)
    if not exists(name):
        _run("useradd", "--system", "--gid", group, "--home-dir", str(home), "--no-create-home",
             "--shell", "/usr/sbin/nologin", name)
    elif pwd.getpwnam(name).pw_dir != str(home):
        # Made by a hub with another folder: its processes would write under that old home (the
        # hub sets HOME from the account). usermod refuses while one of them runs: then it stays.
        subprocess.run(["usermod", "--home", str(home), name], capture_output=True)
    home.mkdir(parents=True, exist_ok=True)


def ensure_person(name: str, full_name: str, groups: list[str], home_base: Path = Path("/home")) -> bool:
    """A person's account with a 0700 home, in exactly the course ``groups`` given (other groups
    are left alone). Returns whether it was made now."""
    for g in groups:
        ensure_group(g)
    made = not exists(name)
    if made:
        _run("useradd", "--create-home", "--home-dir", str(home_base / name), "--shell", "/bin/bash",
             "--comment", full_name.replace(":", " ")[:100], name)
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    have = {g.gr_name for g in grp.getgrall() if name in g.gr_mem}
    course_groups = {g for g in have if g.startswith(("odp-", "nbgrader-", "formgrade-"))}
    for g in set(groups) - have:
        _run("usermod", "--append", "--groups", g, name)
    for g in course_groups - set(groups):
        _run("gpasswd", "--delete", name, g)
    return made


def members(group: str) -> list[str]:
    try:
        return list(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []


def set_password(name: str, password: str) -> None:
    _run("chpasswd", stdin=f"{name}:{password}\n")


def remove_person(name: str) -> None:
    """Delete the account and its home (tests clean up after themselves with this)."""
    if exists(name):
        _run("userdel", "--remove", name)


def chown(path: Path, user: str | None, group: str | None) -> None:
    os.chown(path, pwd.getpwnam(user).pw_uid if user else -1, grp.getgrnam(group).gr_gid if group else -1)
