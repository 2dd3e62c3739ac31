"""Learner code never runs with the grader's rights (issue 15), with real nbgrader and a real OS user.

Two kinds of submission, each graded by stock `nbgrader autograde` AND by `odp grade`:

- Level 2 unit tests with added code cells that try to read the bank and the secret, to change
  other learners' collected records, and to replace the marker: the cells are dropped (never run),
  the score is what the honest record earns, the submission is flagged with what was removed.
- A Level 7 workbook whose editable analysis cell (learner code that must run) tries to read the
  item bank, the course secret, the gradebook and another learner's collected copy, to open a
  TCP connection, and reports its uid and environment: every attempt fails inside the kernel.

The course copy lives in a world-readable folder, so only the sandbox (its own user, network and
mount namespaces) stands between the kernel and the course's files. Grading as root needs
root (CI is root).

The rootless sandbox (an assessor grading as her own OS user under `odp hub`) is checked by
grading the workbooks as an unprivileged OS user the test makes, who owns a copy of the course
outside /tmp (so nothing but the sandbox keeps her kernel out of it), with stock `nbgrader
autograde` and `odp grade`; and the refusal, where no sandbox can be made, by grading as that user
in a user namespace that may make no more of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from course.grading.sandbox import NEEDS_SANDBOX, rootless_works, sandbox_user
from course.record.keys import SECRET_FILE
from tests.grading.corpus import VICTIMS, Submission, write_corpus
from tests.grading.course_copy import CourseCopy, make_copy

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200),
              pytest.mark.skipif(os.geteuid() != 0, reason="the grading sandbox needs root (CI is root)")]
L2, L7 = "working-in-od", "strategic-project"
HONEST = "RRRRRRRWWW"  # 7 of 10 (the paper's length for working-in-od)
L2_SUBS = [Submission("learner-0000", "good", HONEST), Submission("learner-0001", "reads-secrets", HONEST),
           Submission("learner-0002", "patches-marker", HONEST), Submission("learner-0003", "writes-others", HONEST)]
# writes-others goes after VICTIMS: make them ordinary learners of this cohort.
L2_SUBS += [Submission(v, "good", "RRRRRWWWWW") for v in VICTIMS]
MARK = "ODP-PROBE "


def graders_file(top: Path) -> Path:
    """A file of the grader's in /tmp, readable by her alone."""
    return Path(tempfile.gettempdir()) / f"{top.name}-graders-file"


def probe_code(course: CourseCopy, port: int) -> str:
    """What a hostile analysis cell does: each attempt's outcome, as one JSON line."""
    targets = {
        "graders_tmp": graders_file(course.root),
        "bank": course.autograder / "banks" / f"{L2}.yaml",
        "secret": course.data / SECRET_FILE,
        "gradebook": course.autograder / "gradebook.db",
        "other_learner": course.autograder / "submitted" / "honest" / L7 / f"{L7}.ipynb",
        "store": course.data / "store.db",
    }
    return (
        "import json, os, socket\n"
        "found = {'uid': os.getuid(), 'groups': os.getgroups(), 'env': sorted(os.environ),\n"
        "         'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),\n"
        "         'caps': {k: v.strip() for k, v in (l.split(':', 1) for l in open('/proc/self/status'))\n"
        "                  if k in ('CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs')}}\n"
        f"for name, path in {dict((k, str(v)) for k, v in targets.items())!r}.items():\n"
        "    try:\n"
        "        with open(path, 'rb') as f:\n"
        "            found[name] = f'read {len(f.read())} bytes'\n"
        "    except OSError as exc:\n"
        "        found[name] = 'refused: ' + type(exc).__name__\n"
        "try:\n"
        f"    open({str(course.data / 'planted.txt')!r}, 'a').write('x')\n"
        "    found['write'] = 'wrote'\n"
        "except OSError as exc:\n"
        "    found['write'] = 'refused: ' + type(exc).__name__\n"
        "s = socket.socket(); s.settimeout(3)\n"
        f"found['tcp'] = 'connected' if s.connect_ex(('127.0.0.1', {port})) == 0 else 'refused'\n"
        f"print({MARK!r} + json.dumps(found))\n"
    )


def md5s(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Run:
    scores: dict[str, float | None]
    notes: dict[str, str]
    probe: dict
    data_before: dict[str, str]
    data_after: dict[str, str]
    submitted_before: dict[str, str]
    submitted_after: dict[str, str]


def _probe_output(course: CourseCopy) -> dict:
    nb = nbformat.read(course.autograder / "autograded" / "hostile" / L7 / f"{L7}.ipynb", as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "")
            if MARK in text:
                return json.loads(text.split(MARK, 1)[1].splitlines()[0])
    raise AssertionError("the hostile analysis cell did not run")


def _read(course: CourseCopy) -> tuple[dict, dict]:
    scores, notes = {}, {}
    with Gradebook(f"sqlite:///{course.autograder / 'gradebook.db'}") as gb:
        for unit, subs in ((L2, [s.learner for s in L2_SUBS]), (L7, ["hostile", "honest"])):
            for learner in subs:
                sub = gb.find_submission(unit, learner)
                scores[f"{unit}/{learner}"] = sub.score
                notes[f"{unit}/{learner}"] = " ".join(c.auto_comment for nb in sub.notebooks
                                                      for c in nb.comments if c.auto_comment)
    return scores, notes


@pytest.fixture(scope="module")
def course():
    # World-readable on purpose: only the sandbox keeps the kernel out of the course's files.
    top = Path(tempfile.mkdtemp(prefix="odp-sandbox-test-"))
    top.chmod(0o755)
    try:
        course = make_copy(top)
        course.data.mkdir(parents=True, exist_ok=True)
        for unit in (L2, L7):
            course.nbgrader("generate_assignment", unit)
        write_corpus(course.autograder, course.data, L2, course.bank(L2), L2_SUBS)
        secret_file = graders_file(top)
        secret_file.write_text("the grader's own temporary file")
        secret_file.chmod(0o600)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        course.port = listener.getsockname()[1]
        course.listener = listener
        release = course.autograder / "release" / L7
        for learner in ("hostile", "honest"):
            folder = course.autograder / "submitted" / learner / L7
            shutil.copytree(release, folder)
            (folder / "timestamp.txt").write_text("2026-11-23 10:00:00.000000 UTC")
        nb_path = course.autograder / "submitted" / "hostile" / L7 / f"{L7}.ipynb"
        nb = nbformat.read(nb_path, as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == "smp-dataset")
        cell.source = probe_code(course, course.port) + cell.source
        nbformat.write(nb, nb_path)
        for path in [top, *top.rglob("*")]:  # as a careless checkout would be
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        yield course
        listener.close()
    finally:
        graders_file(top).unlink(missing_ok=True)
        shutil.rmtree(top, ignore_errors=True)


def _grade(course: CourseCopy, how: str) -> Run:
    data_before, submitted_before = md5s(course.data), md5s(course.autograder / "submitted")
    if how == "nbgrader":
        for unit in (L2, L7):
            course.nbgrader("autograde", unit, "--force")
    else:
        for unit in (L2, L7):
            proc = course.odp("grade", unit, "--course-dir", str(course.autograder), "--workers", "2", "--force")
            assert proc.returncode == 0, proc.stdout + proc.stderr
    scores, notes = _read(course)
    return Run(scores, notes, _probe_output(course), data_before, md5s(course.data), submitted_before,
               md5s(course.autograder / "submitted"))


@pytest.fixture(scope="module", params=["nbgrader", "odp"])
def graded(course, request) -> Run:
    return _grade(course, request.param)


def test_added_cells_never_run_and_the_score_is_the_honest_records(graded):
    for s in L2_SUBS:
        want = float(s.plan.count("R"))
        assert graded.scores[f"{L2}/{s.learner}"] == want, (s, graded.notes[f"{L2}/{s.learner}"])
        if s.kind != "good":
            assert "added 1 code cell: removed, not run" in graded.notes[f"{L2}/{s.learner}"]


def test_learner_code_runs_as_the_sandbox_user_with_nothing_of_the_graders(graded):
    uid, _ = sandbox_user("odp-sandbox")
    probe = graded.probe
    assert probe["uid"] == uid and probe["groups"] == []
    assert_nothing_reached(probe)


def assert_nothing_reached(probe: dict) -> None:
    for name in ("bank", "secret", "gradebook", "other_learner", "store", "graders_tmp"):
        assert probe[name].startswith("refused") or probe[name] == "read 0 bytes", (name, probe[name])
    assert probe["write"].startswith("refused")
    assert probe["tcp"] == "refused"
    assert not [k for k in probe["env"] if k.startswith(("ODP_", "JUPYTERHUB", "DATABASE"))], probe["env"]


def test_nothing_of_the_course_changed(graded):
    assert graded.data_after == graded.data_before
    assert graded.submitted_after == graded.submitted_before


def test_the_workbook_still_grades_as_the_assessors_copy(graded, course):
    nb = nbformat.read(course.autograder / "autograded" / "honest" / L7 / f"{L7}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    # the analyses ran (in the sandbox) and drew their charts
    assert len(re.findall(r'<figure.*?<img[^>]+src="data:image/png;base64,', html, re.S)) == 7


# -- rootless: graded by an unprivileged user --------------------------------------------------

@dataclass
class Grader:
    """An unprivileged OS user who owns a copy of the course (outside /tmp) and grades it."""
    user: str
    uid: int
    gid: int
    copy: CourseCopy
    home: Path

    def run(self, *cmd: str, userns_limit: bool = False) -> subprocess.CompletedProcess:
        env = dict(self.copy.env, HOME=str(self.home))
        as_user = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        if userns_limit:  # where user namespaces cannot be made: no sandbox at all
            as_user = [sys.executable, "-c", NO_USERNS, *as_user]
        return subprocess.run([*as_user, *cmd], cwd=self.copy.autograder, env=env, capture_output=True,
                              text=True, timeout=600)


# As root: a user namespace mapping every uid and gid to itself, in which no more user namespaces
# may be made (user.max_user_namespaces is per namespace), then the command.
NO_USERNS = """
import ctypes, os, sys, time
def put(path, text):  # unbuffered: a refused write raises here, not when the file is collected
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    if ctypes.CDLL(None, use_errno=True).unshare(0x10000000) != 0:
        os._exit(3)
    os.read(r, 1)
    put("/proc/sys/user/max_user_namespaces", "0")
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(r)
for _ in range(1000):  # until the child has its namespace (its uid_map can be written)
    try:
        put(f"/proc/{pid}/uid_map", "0 0 4294967295")
        break
    except OSError:
        time.sleep(0.01)
put(f"/proc/{pid}/gid_map", "0 0 4294967295")
os.write(w, b"x")
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def _l7_scores(copy: CourseCopy) -> dict[str, float | None]:
    with Gradebook(f"sqlite:///{copy.autograder / 'gradebook.db'}") as gb:
        return {learner: gb.find_submission(L7, learner).score for learner in ("hostile", "honest")}


# What the grader fixture makes: an account, a course copy named after it (in /srv, or the temp
# folder) and her file in the temp folder. The account's comment names the test run that made it.
GRADER_USER = re.compile(r"^t[0-9a-f]{4}-rootless$")
GRADER_COPY = "odp-rootless-test-"
RUN = re.compile(r"^odp-test pid=(\d+) started=(\d+\.\d+)$")
NAMED_COPY = re.compile(rf"^{GRADER_COPY}(t[0-9a-f]{{4}}-rootless)-")


def this_run() -> str:
    me = psutil.Process()
    return f"odp-test pid={me.pid} started={me.create_time():.2f}"


def _run_alive(comment: str) -> bool:
    match = RUN.match(comment)
    if match is None:  # made before accounts named their run: that run has ended
        return False
    try:  # the same process, not a later one given the same pid
        return abs(psutil.Process(int(match[1])).create_time() - float(match[2])) < 0.01
    except psutil.NoSuchProcess:
        return False


def remove_stale_graders() -> None:
    """Remove what killed runs of this module left behind: grader accounts (t????-rootless) and
    their course copies and files (odp-rootless-test-*), never anything else. An account is kept
    while the run that made it is alive or any process runs as it (another run may be using its
    own); a copy is kept while its account is. A copy named after no account (made before copies
    were) goes only if its owner's account is gone or was removed here, and no process runs as
    its owner: one still owned by root may be another run's, mid set-up, and is left alone."""
    busy = {uid for p in psutil.process_iter(["uids"]) if p.info["uids"] for uid in p.info["uids"]}
    kept, removed = set(), set()
    for entry in pwd.getpwall():
        if not GRADER_USER.match(entry.pw_name):
            continue
        if entry.pw_uid in busy or _run_alive(entry.pw_gecos):
            kept.add(entry.pw_name)
        elif subprocess.run(["userdel", entry.pw_name], capture_output=True).returncode == 0:
            removed.add(entry.pw_uid)  # and its group (useradd --user-group)
    accounts = {entry.pw_uid for entry in pwd.getpwall()}
    for folder in {Path("/srv"), Path(tempfile.gettempdir())}:
        for path in folder.glob(f"{GRADER_COPY}*"):
            named = NAMED_COPY.match(path.name)
            owner = path.lstat().st_uid
            stale = (named[1] not in kept if named else
                     owner not in busy and (owner not in accounts or owner in removed))
            if stale:
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() and not path.is_symlink() else path.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def grader(course):
    """The unprivileged grader and her copy of the course (both submissions' workbooks, the
    hostile one probing her copy's files), in /srv: outside /tmp, so only the covering of the
    course's folders keeps the kernel out."""
    if not rootless_works():
        pytest.skip("unprivileged user namespaces do not work here")
    remove_stale_graders()
    user = f"t{secrets.token_hex(2)}-rootless"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group",
                    "--comment", this_run(), user], check=True, capture_output=True)
    top = Path(tempfile.mkdtemp(prefix=f"{GRADER_COPY}{user}-", dir="/srv" if os.access("/srv", os.W_OK) else None))
    try:
        entry = pwd.getpwnam(user)
        top.chmod(0o755)
        copy = make_copy(top)
        shutil.copytree(course.autograder / "release", copy.autograder / "release")
        for learner in ("hostile", "honest"):
            shutil.copytree(course.autograder / "submitted" / learner / L7, copy.autograder / "submitted" / learner / L7)
        shutil.copy(course.autograder / "gradebook.db", copy.autograder / "gradebook.db")
        shutil.copytree(course.data, copy.data, dirs_exist_ok=True)
        nb_path = copy.autograder / "submitted" / "hostile" / L7 / f"{L7}.ipynb"
        nb = nbformat.read(copy.autograder / "release" / L7 / f"{L7}.ipynb", as_version=4)
        cell = next(c for c in nb.cells if c.get("id") == "smp-dataset")
        cell.source = probe_code(copy, course.port) + cell.source
        nbformat.write(nb, nb_path)
        home = top / "grader-home"
        home.mkdir()
        graders_file(top).write_text("the grader's own temporary file")
        for path in [top, *top.rglob("*"), graders_file(top)]:
            os.lchown(path, entry.pw_uid, entry.pw_gid)
        graders_file(top).chmod(0o600)
        yield Grader(user, entry.pw_uid, entry.pw_gid, copy, home)
    finally:
        graders_file(top).unlink(missing_ok=True)
        shutil.rmtree(top, ignore_errors=True)
        subprocess.run(["userdel", user], capture_output=True)


@pytest.fixture(scope="module", params=["nbgrader", "odp"])
def graded_rootless(grader, request) -> Run:
    copy = grader.copy
    data_before, submitted_before = md5s(copy.data), md5s(copy.autograder / "submitted")
    bin_ = Path(sys.executable).parent
    if request.param == "nbgrader":
        proc = grader.run(str(bin_ / "nbgrader"), "autograde", L7, "--force")
    else:
        proc = grader.run(str(bin_ / "odp"), "grade", L7, "--course-dir", str(copy.autograder), "--workers", "2",
                          "--force")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert NEEDS_SANDBOX not in proc.stderr
    return Run(_l7_scores(copy), {}, _probe_output(copy), data_before, md5s(copy.data), submitted_before,
               md5s(copy.autograder / "submitted"))


def test_rootless_learner_code_reaches_nothing_of_the_graders(graded_rootless, grader):
    probe = graded_rootless.probe
    assert probe["uid"] == grader.uid  # her own uid, in namespaces of its own
    assert_nothing_reached(probe)
    # a PID namespace of its own: the kernel is PID 1 and sees no process of the grader's
    assert 1 in probe["pids"] and max(probe["pids"]) < 100, probe["pids"]
    caps = probe["caps"]
    assert int(caps["CapEff"], 16) == int(caps["CapPrm"], 16) == int(caps["CapBnd"], 16) == 0, caps
    assert caps["NoNewPrivs"] == "1"
    assert graded_rootless.data_after == graded_rootless.data_before
    assert graded_rootless.submitted_after == graded_rootless.submitted_before


def test_rootless_the_honest_workbook_grades_with_its_charts(graded_rootless, grader):
    nb = nbformat.read(grader.copy.autograder / "autograded" / "honest" / L7 / f"{L7}.ipynb", as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]
    html = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    assert len(re.findall(r'<figure.*?<img[^>]+src="data:image/png;base64,', html, re.S)) == 7
    assert graded_rootless.scores["honest"] is not None


def test_without_any_sandbox_a_notebook_with_learner_code_is_refused(grader):
    """Not root and no user namespaces to be had: the workbook with a changed analysis cell is
    refused with the reason, and not graded."""
    copy = grader.copy
    shutil.rmtree(copy.autograder / "autograded" / "hostile", ignore_errors=True)
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    out = grader.run(nbgrader, "autograde", L7, "--force", "--student=hostile", userns_limit=True)
    assert NEEDS_SANDBOX in out.stderr, out.stderr[-3000:]
    assert not (copy.autograder / "autograded" / "hostile" / L7).exists()
