"""A private copy of the real nbgrader course (catalogue, unit folders, autograder config,
banks and source links) with its own data folder, and a way to run nbgrader's commands in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from course.content import load_course
from course.content.model import ItemBank, Question
from course.record.keys import course_secret, learner_key
from tests.conftest import REPO

BIN = Path(sys.executable).parent


@dataclass
class CourseCopy:
    root: Path

    @property
    def autograder(self) -> Path:
        return self.root / "autograder"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def exchange(self) -> Path:
        return self.data / "exchange"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ODP_", "NBGRADER_"))}
        # nbgrader runs `alembic` from PATH when it makes the gradebook
        return dict(env, PATH=f"{BIN}:{env['PATH']}", ODP_CONTENT_ROOT=str(self.root),
                    ODP_DATA_DIR=str(self.data))

    def home(self, learner: str) -> Path:
        path = self.root / "home" / learner
        path.mkdir(parents=True, exist_ok=True)
        return path

    def nbgrader(self, *args: str, cwd: Path | None = None, ok: bool = True,
                 env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd or self.autograder,
                              env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=600)
        if ok and proc.returncode != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return proc

    def odp(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(BIN / "odp"), *args], cwd=self.root, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise AssertionError(f"odp {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def learner_cmd(self, verb: str, assignment: str, learner: str) -> subprocess.CompletedProcess:
        """What a learner types: nbgrader fetch_assignment / submit, from their home folder."""
        extra = [f"--student={learner}"] if verb == "submit" else []
        home = self.home(learner)
        # Each learner has her own Jupyter data folder, as on a real machine: nbgrader submit makes
        # its cache there without exist_ok, so learners sharing one raced (FileExistsError in CI).
        return self.nbgrader(verb, assignment, "--course=odp", f"--Exchange.root={self.exchange}",
                             *extra, cwd=home, env={"JUPYTER_DATA_DIR": str(home / ".local/share/jupyter")})

    def for_each_learner(self, verb: str, assignment: str, learners: list[str]) -> None:
        # nbgrader takes ~3 s to start: learners act at the same time, as they would.
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda name: self.learner_cmd(verb, assignment, name), learners))

    def key_for(self, learner: str) -> bytes:
        """The key `odp serve` gives this learner's kernel."""
        return learner_key(course_secret(self.data), learner)

    def bank(self, unit: str) -> ItemBank:
        return load_course(self.root).banks[unit]


def make_copy(target: Path) -> CourseCopy:
    shutil.copy(REPO / "catalogue.yaml", target / "catalogue.yaml")
    for level in ("level2", "level3", "level4", "level7"):
        shutil.copytree(REPO / level, target / level, ignore=shutil.ignore_patterns("responses.jsonl*", ".*"))
    (target / "autograder").mkdir()
    for name in ("nbgrader_config.py", "banks", "source"):
        src = REPO / "autograder" / name
        if src.is_dir():
            shutil.copytree(src, target / "autograder" / name, symlinks=True)
        else:
            shutil.copy(src, target / "autograder" / name)
    return CourseCopy(target)


def right(q: Question):
    if q.type == "multiple":
        return list(q.correct)
    if q.type == "numeric":
        return str(q.answer)
    if q.type == "text":
        return q.accept[0]
    return q.correct[0]


def answer_every_item_right(page, bank: dict[str, Question], prefix: str = "wod-t") -> int:
    """In a unit page with a test in progress: tick the right answer to every item on the paper,
    with the mouse, as the learner does. Returns how many items there were."""
    items = page.eval_on_selector_all(f".odp-question[id^='odp-q-{prefix}']",
                                      "els => els.map(e => e.id.slice('odp-q-'.length))")
    for item in items:
        response = right(bank[item])
        for value in response if isinstance(response, list) else [response]:
            page.check(f"#odp-q-{item} input[value='{value}']")
    return len(items)


def wrong(q: Question):
    if q.type == "numeric":
        return str(q.answer + 1000)
    if q.type == "text":
        return "not the answer"
    other = next(o.id for o in q.options if o.id not in q.correct)
    return [other] if q.type == "multiple" else other


@contextmanager
def record_key(key: bytes | None) -> Iterator[None]:
    """Seal records as the learner's kernel would: with the server-given key, or (None) the
    public key JupyterLab uses."""
    old = os.environ.pop("ODP_RECORD_KEY", None)
    if key is not None:
        os.environ["ODP_RECORD_KEY"] = key.hex()
    try:
        yield
    finally:
        os.environ.pop("ODP_RECORD_KEY", None)
        if old is not None:
            os.environ["ODP_RECORD_KEY"] = old
