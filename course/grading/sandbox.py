"""The grading sandbox: where a learner's code runs when a submission is graded.

A grading kernel runs code the learner wrote (a Level 7 analysis cell). When the grader runs as
root (CI, `odp hub`), each grading kernel is started in the sandbox: as the unprivileged system
user ``Settings.sandbox_user`` (created if missing), with no supplementary groups and no new
privileges, in a network namespace of its own (no interface but a loopback that is down: no TCP
at all; the kernel talks to the grader over Unix sockets in its folder), and in a mount
namespace of its own where the course's folders (item banks, course secret and store, the
nbgrader course with its gradebook and every learner's work, the exchange, the grader's home)
are covered by empty read-only folders. Its working folder is the private 0700 copy of the
submission (``course.grading.nbgrader_ext.IsolatedExecute``), given to that user.

When the grader is not root none of this can be done, so a notebook that holds learner code is
not run at all (:data:`NEEDS_SANDBOX`); a notebook whose code is all the course's own runs with
the minimal environment (:func:`kernel_env`) only.

:meth:`Sandbox.enter` runs in the kernel's own process before the kernel starts: as
``preexec_fn`` of jupyter_client's ``Popen`` (stock ``nbgrader autograde``) or in the fork
server's child (``course.forking``, `odp grade`).
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from course.exceptions import CourseError
from course.reachable import let_others_through

NEEDS_SANDBOX = "needs the grading sandbox: run as root or under odp hub"

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38

# What a grading kernel's environment may hold from the grader's: nothing that names a course
# folder, a URL or a key.
KEPT_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")


class SandboxError(CourseError):
    """The grading sandbox cannot be set up, or is needed and not available."""


def available() -> bool:
    """Whether grading kernels can be sandboxed here (the grader runs as root)."""
    return os.geteuid() == 0


def kernel_env(work: Path) -> dict[str, str]:
    """A grading kernel's whole environment: an allow-list, with its folder as home."""
    env = {k: os.environ[k] for k in KEPT_ENV if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(HOME=str(work), NBGRADER_EXECUTION="autograde", MPLCONFIGDIR=str(work / ".matplotlib"),
               IPYTHONDIR=str(work / ".ipython"), JUPYTER_RUNTIME_DIR=str(work / ".jupyter"))
    return env


def sandbox_user(name: str) -> tuple[int, int]:
    """The sandbox user's uid and gid, creating the user (no home, no login) if missing."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        done = subprocess.run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                               "--user-group", name], capture_output=True, text=True)
        if done.returncode != 0 and "already exists" not in done.stderr:
            raise SandboxError(f"could not create the grading sandbox user {name!r}: {done.stderr.strip()}")
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0 or entry.pw_gid == 0:
        raise SandboxError(f"the grading sandbox user {name!r} must not be root or in group root")
    return entry.pw_uid, entry.pw_gid


def _needed(path: Path) -> bool:
    """A folder the kernel itself needs (Python, the installed course): never covered."""
    mine = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(__file__).resolve().parents[2]]
    return any(p == path or path in p.parents for p in mine)


@dataclass(frozen=True)
class Sandbox:
    uid: int
    gid: int
    hidden: tuple[str, ...]   # absolute paths covered inside the kernel's mount namespace

    @classmethod
    def for_grading(cls, user: str, hidden: Iterable[Path | str]) -> "Sandbox":
        uid, gid = sandbox_user(user)
        let_others_through()  # the sandbox user runs this Python and imports the course
        paths = set()
        for p in hidden:
            path = Path(p).resolve()
            if path.exists() and path != Path("/") and not _needed(path):
                paths.add(str(path))
        # Parents first: a path inside a covered folder is gone already.
        return cls(uid, gid, tuple(sorted(paths, key=lambda p: (p.count(os.sep), p))))

    def to_dict(self) -> dict:
        return {**asdict(self), "hidden": list(self.hidden)}

    @classmethod
    def from_dict(cls, data: dict) -> "Sandbox":
        return cls(int(data["uid"]), int(data["gid"]), tuple(data["hidden"]))

    def give(self, folder: Path) -> None:
        """Make the kernel's private folder (and all in it) the sandbox user's alone."""
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                os.chown(path, self.uid, self.gid)
        folder.chmod(0o700)

    def enter(self) -> None:
        """In the kernel's process, still root: new network and mount namespaces, the course's
        folders covered, then the sandbox user's identity for good. Raises (so the kernel never
        starts) if any step fails."""
        libc = ctypes.CDLL(None, use_errno=True)

        def check(result: int, what: str) -> None:
            if result != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"grading sandbox: {what}: {os.strerror(err)}")

        check(libc.unshare(CLONE_NEWNET | CLONE_NEWNS), "unshare")
        check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
        for path in self.hidden:
            target = path.encode()
            if not os.path.lexists(path):
                continue  # inside a folder covered already
            if os.path.isdir(path) and not os.path.islink(path):
                check(libc.mount(b"tmpfs", target, b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                 b"size=4k,mode=0555"), f"cover {path}")
            else:
                check(libc.mount(b"/dev/null", target, None, MS_BIND, None), f"cover {path}")
        os.setgroups([])
        os.setresgid(self.gid, self.gid, self.gid)
        os.setresuid(self.uid, self.uid, self.uid)
        check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no new privileges")
        if os.getuid() != self.uid or os.geteuid() != self.uid or os.getgroups():
            raise OSError("grading sandbox: the kernel still has the grader's identity")
