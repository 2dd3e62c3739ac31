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
root (CI is root); the refusal when not root is checked by grading as an unprivileged user.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from course.grading.sandbox import NEEDS_SANDBOX, sandbox_user
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


def probe_code(course: CourseCopy, port: int) -> str:
    """What a hostile analysis cell does: each attempt's outcome, as one JSON line."""
    targets = {
        "bank": course.autograder / "banks" / f"{L2}.yaml",
        "secret": course.data / SECRET_FILE,
        "gradebook": course.autograder / "gradebook.db",
        "other_learner": course.autograder / "submitted" / "honest" / L7 / f"{L7}.ipynb",
        "store": course.data / "store.db",
    }
    return (
        "import json, os, socket\n"
        "found = {'uid': os.getuid(), 'groups': os.getgroups(), 'env': sorted(os.environ)}\n"
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
    for name in ("bank", "secret", "gradebook", "other_learner", "store"):
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


def test_without_root_a_notebook_with_learner_code_is_refused(course):
    """Graded by an unprivileged user: the unit test (no learner code after the sanitize step)
    grades; the workbook with a changed analysis cell is refused with the reason."""
    top = Path(tempfile.mkdtemp(prefix="odp-nonroot-test-"))
    top.chmod(0o755)
    try:
        copy = make_copy(top)
        shutil.copytree(course.autograder / "release", copy.autograder / "release")
        shutil.copytree(course.autograder / "submitted", copy.autograder / "submitted")
        for name in ("gradebook.db",):
            shutil.copy(course.autograder / name, copy.autograder / name)
        shutil.copytree(course.data, copy.data, dirs_exist_ok=True)
        uid, gid = sandbox_user("odp-sandbox")
        for path in [top, *top.rglob("*")]:
            os.lchown(path, uid, gid)
        env = dict(copy.env, HOME=str(top))
        setpriv = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        out = {}
        for unit, learner in ((L2, "learner-0001"), (L7, "hostile")):
            out[unit] = subprocess.run([*setpriv, nbgrader, "autograde", unit, "--force", f"--student={learner}"],
                                       cwd=copy.autograder, env=env, capture_output=True, text=True, timeout=600)
        assert (copy.autograder / "autograded" / "learner-0001" / L2).is_dir(), out[L2].stderr[-3000:]
        assert NEEDS_SANDBOX in out[L7].stderr, out[L7].stderr[-3000:]
        assert not (copy.autograder / "autograded" / "hostile" / L7).exists()
    finally:
        shutil.rmtree(top, ignore_errors=True)
