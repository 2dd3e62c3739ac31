"""A corpus of Level 2 test submissions, as `nbgrader collect` leaves them in submitted/: mostly
ordinary learners, and one of each kind of bad submission an assessor meets. Used by the
`odp grade` tests and by bench/bench_grade.py.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.content.model import ItemBank
from course.exam import read_public_items
from course.record import RECORD_FILE, ResponseRecord
from course.record.keys import course_secret, learner_key
from course.serve.preheat import with_preheat_cell
from course.widgets.test import TestSession as Session
from tests.grading.course_copy import right, wrong

TIMESTAMP = "2026-11-23 10:00:00.000000 UTC"

# kind → (what is done to the submission, the learner cell added if any)
BAD = {
    "invalid-json": "the notebook file is cut short",
    "non-utf8": "the notebook holds bytes that are not UTF-8",
    "other-assignment": "the notebook is another unit's",
    "deleted-test-cell": "the learner deleted the test cell",
    "edited-locked-cell": "the learner edited a read-only cell",
    "missing-record": "the record was deleted",
    "tampered-record": "answers edited in the record by hand",
    "other-learners-record": "another learner's record",
    "infinite-loop": "a cell that never ends",
    "kernel-crash": "a cell that ends the kernel",
    "huge-output": "a cell that prints 100 MB",
    # Hostile submissions (issue 15): each is graded at what its honest record earns, flagged.
    # Added code cells are dropped unrun at the sanitize step (RestoreCourseCells), so these reach
    # no kernel; tests/grading/test_sandbox.py runs such code where learner code does run.
    "reads-secrets": "an added cell prints the course secret and the item bank, drops NBGRADER_EXECUTION",
    "shadows-course": "ships its own course/grading/cells.py whose mark_test shows nothing",
    "writes-others": "an added cell makes two other learners' collected records writable and appends to them",
    "hostile-markup": "markdown cells with <img onerror>, <script> and raw HTML",
    "app-copy": "the unit app's own copy, with its preheat cell (not the learner's doing)",
    "patches-marker": "an added cell replaces mark_test so the hidden test reports full marks",
}
# The two ordinary learners "writes-others" goes after (the first two after the bad kinds).
VICTIMS = (f"learner-{len(BAD):04d}", f"learner-{len(BAD) + 1:04d}")
ADDED_CELL = {
    "infinite-loop": "while True:\n    pass",
    "kernel-crash": "import os\nos._exit(1)",
    "huge-output": "print('x' * 100_000_000)",
    "reads-secrets": (
        "import os, pathlib\n"
        "root = pathlib.Path(os.environ['ODP_CONTENT_ROOT'])\n"
        "print('secret', (pathlib.Path(os.environ['ODP_DATA_DIR']) / 'course-secret.key').read_text())\n"
        "print((root / 'autograder' / 'banks' / 'working-in-od.yaml').read_text()[:6000])\n"
        "os.environ.pop('NBGRADER_EXECUTION', None)"),
    "writes-others": (
        "import os, pathlib\n"
        "base = pathlib.Path(os.environ['ODP_CONTENT_ROOT']) / 'autograder' / 'submitted'\n"
        f"for name in {list(VICTIMS)!r}:\n"
        "    path = base / name / 'working-in-od' / 'responses.jsonl'\n"
        "    for target in (path.parent, path):\n"
        "        os.chmod(target, 0o777)\n"
        "    with open(path, 'a') as f:\n"
        "        f.write('{\"not\": \"a record line\"}\\n')"),
    "patches-marker": "import course.grading.cells\ncourse.grading.cells.mark_test = lambda: 30",
}
SHADOW = ("from IPython.display import display\n\n\n"
          "def mark_test():\n    return None  # a hidden test that shows nothing used to earn full marks\n")
MARKUP = ('<img src=x onerror="window.__pwned=1">\n\n<script>window.__pwned=1</script>\n\n'
          '<a href="javascript:window.__pwned=1">my answer</a> <b onmouseover="window.__pwned=1">bold</b>')


@dataclass(frozen=True)
class Submission:
    learner: str
    kind: str          # "good" or a key of BAD
    plan: str          # R right, W wrong, - blank, per question on the paper


def plans(n: int, seed: int = 7) -> list[Submission]:
    """n submissions: one of each bad kind (if n allows), the rest ordinary learners."""
    rng = random.Random(seed)
    bad = list(BAD)[: max(0, min(len(BAD), n - 1))]
    out = [Submission(f"learner-{i:04d}", kind, "RRRRRRRWWW") for i, kind in enumerate(bad)]
    for i in range(len(bad), n):
        out.append(Submission(f"learner-{i:04d}", "good",
                              "".join(rng.choices("RRRRRRRW-", k=10))))
    return out


def _sit(folder: Path, learner: str, bank: ItemBank, plan: str, key: bytes) -> list[str]:
    spec, items = read_public_items(folder)
    record = ResponseRecord.open(folder, learner, bank.unit, key=key)
    session = Session(record, items, spec, "test")
    session.start()
    by_id = {q.id: q for q in bank.items}
    for w, step in zip(session.questions, plan):
        if step != "-":
            w.answer(right(by_id[w.item_id]) if step == "R" else wrong(by_id[w.item_id]))
    session.summary.act("submit")
    return [w.item_id for w in session.questions]


def write_corpus(course_dir: Path, data_dir: Path, assignment: str, bank: ItemBank,
                 submissions: list[Submission]) -> None:
    release = course_dir / "release" / assignment
    secret = course_secret(data_dir)
    for s in submissions:
        folder = course_dir / "submitted" / s.learner / assignment
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(release, folder)
        (folder / "timestamp.txt").write_text(TIMESTAMP)
        paper = _sit(folder, s.learner, bank, s.plan, learner_key(secret, s.learner))
        _spoil(folder, assignment, s, bank, paper, secret)


def _spoil(folder: Path, assignment: str, s: Submission, bank: ItemBank, paper: list[str], secret: bytes) -> None:
    nb_path = folder / f"{assignment}.ipynb"
    if s.kind in ADDED_CELL or s.kind in ("deleted-test-cell", "edited-locked-cell", "hostile-markup", "app-copy"):
        nb = nbformat.read(nb_path, as_version=4)
        if s.kind in ADDED_CELL:
            nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_code_cell(ADDED_CELL[s.kind]))
        elif s.kind == "hostile-markup":
            nb.cells.insert(1, nbformat.v4.new_markdown_cell(MARKUP))
            nb.cells.insert(len(nb.cells) - 1, nbformat.v4.new_raw_cell(MARKUP, metadata={"format": "text/html"}))
        elif s.kind == "app-copy":
            with_preheat_cell(nb)
        elif s.kind == "deleted-test-cell":
            nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test-result"]
        else:
            nb.cells[1].source = "print('I changed this cell')"
        nbformat.write(nb, nb_path)
    elif s.kind == "invalid-json":
        raw = nb_path.read_bytes()
        nb_path.write_bytes(raw[: len(raw) // 2])
    elif s.kind == "non-utf8":
        raw = nb_path.read_bytes()
        nb_path.write_bytes(raw.replace(b"Level 2", b"Level \xff\xfe2", 1))
    elif s.kind == "other-assignment":
        nb_path.rename(folder / "data-security.ipynb")
    elif s.kind == "shadows-course":
        for rel, text in (("course/__init__.py", ""), ("course/grading/__init__.py", ""),
                          ("course/grading/cells.py", SHADOW)):
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
    elif s.kind == "missing-record":
        (folder / RECORD_FILE).unlink()
    elif s.kind == "tampered-record":
        by_id = {q.id: q for q in bank.items}
        lines = [json.loads(x) for x in (folder / RECORD_FILE).read_text().splitlines()]
        targets = {item for item, step in zip(paper, s.plan) if step == "W"}
        for x in lines:
            if x.get("kind") == "answer" and x.get("item") in targets:
                x["response"] = right(by_id[x["item"]])
        (folder / RECORD_FILE).write_text("\n".join(json.dumps(x, sort_keys=True) for x in lines) + "\n")
    elif s.kind == "other-learners-record":
        other = folder.parent.parent / "someone-else" / assignment
        other.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / "test-items.json", other / "test-items.json")
        _sit(other, "someone-else", bank, "RRRRRRRRRR", learner_key(secret, "someone-else"))
        shutil.copy(other / RECORD_FILE, folder / RECORD_FILE)
        shutil.rmtree(other.parent)


def expected_score(s: Submission) -> float | None:
    """The official score (None where nbgrader cannot grade the notebook at all)."""
    if s.kind in ("invalid-json", "non-utf8", "other-assignment"):
        return None
    if s.kind in ("missing-record", "other-learners-record"):
        return 0.0
    return float(s.plan.count("R") if s.kind != "tampered-record" else s.plan.count("R"))
