"""`odp grade`: nbgrader's autograde for a whole cohort, in parallel, and never stopped by one
bad submission.

Each worker is a separate process that loads the nbgrader course once and grades one
submission at a time with nbgrader's own Autograde converter (``NbGraderAPI.autograde``), so the
gradebook and the autograded notebooks are exactly what ``nbgrader autograde`` writes. Each
submission gets a fresh kernel, as with nbgrader, but forked from a process that has already
imported what a kernel needs (``course.grading.kernels``). The scheduler here gives work to
idle workers, stops a worker (and its kernels) that runs past the time limit, replaces a worker
that dies, and records an outcome with a plain reason for every submission.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable

import nbformat

from course.grading.collected import Collected
from course.grading.failed import flag_submission, withdraw_score
from course.grading.leaks import SCAN_LIMIT, feedback_problems, feedback_view, grading_fingerprints
from course.grading.prechecks import Finding, check_submission
from course.grading.release import released


@dataclass(frozen=True)
class Outcome:
    learner: str
    status: str                  # graded | failed | skipped
    seconds: float = 0.0
    score: float | None = None
    max_score: float | None = None
    reason: str = ""             # why it failed, or what the assessor should know
    findings: tuple[str, ...] = ()


@dataclass
class GradeOptions:
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 60.0        # seconds a submission may take; a cell's limit is the same
    force: bool = False
    forked_kernels: bool = True  # False: a new interpreter per kernel, as nbgrader does
    learners: tuple[str, ...] = ()  # only these learners' submissions (default: all collected)


# -- worker process ---------------------------------------------------------------------------

def _load_api(course_dir: Path, timeout: float, forked: bool):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from course.grading.kernels import ForkKernelManager

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    cfg.Execute.timeout = int(timeout)
    # (Each kernel's sockets are Unix sockets in its own folder: course.grading.kernels.)
    if forked:
        cfg.Execute.kernel_manager_class = ForkKernelManager
    coursedir = CourseDirectory(config=cfg)
    return NbGraderAPI(coursedir=coursedir, config=cfg)


def _worker(conn: Connection, course_dir: str, assignment: str, timeout: float, forked: bool) -> None:
    # Its own process group: stopping it stops the fork server too. Kernels have groups of their
    # own (for interrupts) and end when their parent process does (ipykernel watches it).
    os.setsid()
    from sqlalchemy.exc import SAWarning
    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's gradebook is noisy
    os.chdir(course_dir)
    api = _load_api(Path(course_dir), timeout, forked)
    from course.grading.kernels import SERVER
    conn.send(("ready", None))
    try:
        while (learner := conn.recv()) is not None:
            started = time.monotonic()
            try:
                result = api.autograde(assignment, learner, force=True, create=True)
            except Exception as exc:  # nbgrader raised instead of reporting: keep the worker
                result = {"success": False, "error": f"{type(exc).__name__}: {exc}", "log": ""}
            conn.send(("done", (learner, bool(result.get("success")), result.get("error") or "",
                                result.get("log") or "", time.monotonic() - started)))
    finally:
        SERVER.close()


# -- scheduler -------------------------------------------------------------------------------

@dataclass
class _Worker:
    proc: mp.Process
    conn: Connection
    learner: str | None = None
    started: float = 0.0
    ready: bool = False


def submitted_learners(course_dir: Path, assignment: str) -> list[str]:
    return sorted(p.parent.name for p in (course_dir / "submitted").glob(f"*/{assignment}") if p.is_dir())


def released_notebooks(course_dir: Path, assignment: str) -> dict[str, nbformat.NotebookNode]:
    source = course_dir / "source" / assignment
    return {p.name: released(nbformat.read(p, as_version=4)) for p in sorted(source.glob("*.ipynb"))}


def explain_failure(error: str, log: str, timeout: float) -> str:
    text = f"{error}\n{log}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the kernel died while running the notebook (a cell ended the process)"
    if "CellTimeoutError" in text or "Timeout waiting for execute reply" in text:
        return f"a cell ran for longer than {timeout:g} s"
    if "NotJSONError" in text or "JSONDecodeError" in text:
        return "the notebook is not valid JSON"
    if "UnicodeDecodeError" in text:
        return "the notebook is not UTF-8 text"
    last = [line for line in error.strip().splitlines() if line.strip()]
    return last[-1][:300] if last else "nbgrader could not grade it (see its log)"


def timed_out_cells(path: Path) -> list[int]:
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:
        return []
    return [i for i, c in enumerate(nb.cells, 1) if c.cell_type == "code"
            and any(o.get("ename") in ("CellTimeoutError", "KeyboardInterrupt") for o in c.get("outputs", []))]


def _changed_since(folder: Path, when: float) -> bool:
    return any(p.stat().st_mtime > when for p in folder.rglob("*") if p.is_file())


def grade(course_dir: Path, assignment: str, options: GradeOptions,
          progress: Callable[[Outcome, int, int], None] | None = None,
          failed_before: dict[str, tuple[float, str]] | None = None) -> list[Outcome]:
    """``failed_before``: learner → (when, reason) of an earlier failure; such a submission is
    not tried again unless it has changed since (or ``force``)."""
    course_dir = Path(course_dir).resolve()
    learners = submitted_learners(course_dir, assignment)
    if options.learners:
        learners = [s for s in learners if s in set(options.learners)]
    failed_before = failed_before or {}
    outcomes: dict[str, Outcome] = {}
    todo = []
    for s in learners:
        folder = course_dir / "submitted" / s / assignment
        if options.force:
            todo.append(s)
        elif (course_dir / "autograded" / s / assignment).is_dir():
            outcomes[s] = Outcome(s, "skipped", reason="already graded (use --force to grade again)")
        elif s in failed_before and not _changed_since(folder, failed_before[s][0]):
            outcomes[s] = Outcome(s, "skipped", reason=f"failed before and unchanged since: {failed_before[s][1]}")
        else:
            todo.append(s)
    notebooks = released_notebooks(course_dir, assignment)
    # What no feedback may hold (the leak scan runs on every graded notebook as feedback shows it).
    from course.config import Settings
    settings = Settings()
    prints = grading_fingerprints(settings.content_root, settings.data_path) if todo else []
    findings: dict[str, list[Finding]] = {
        s: check_submission(course_dir / "submitted" / s / assignment, notebooks) for s in todo}
    total, done = len(todo), 0
    # Every collected copy is held still (read-only, and a copy in memory) while learners' code runs.
    held = Collected.take(course_dir, assignment, submitted_learners(course_dir, assignment))
    blamed: dict[str, set[str]] = {}   # learner → the learners whose collected work her code changed
    serial: list[str] = []             # to grade again alone, to learn which of them changed it
    ctx = mp.get_context("spawn")  # a clean interpreter per worker: no threads or locks carried over
    limit = options.timeout + 60   # nbgrader's own per-cell limit fires first; this is the backstop

    def spawn() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, str(course_dir), assignment, options.timeout,
                                                 options.forked_kernels), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def stop(w: _Worker) -> None:
        try:
            os.killpg(w.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            w.proc.kill()
        w.proc.join(5)

    def finish(learner: str, outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if outcome.status == "failed":  # no earlier score may stand for a submission that failed
            withdraw_score(gradebook_url(course_dir), course_dir, assignment, learner)
        outcomes[learner] = outcome
        if progress:
            progress(outcome, done, total)

    def check(just_done: str | None) -> None:
        """Put back any collected copy that changed, and find whose code changed it."""
        nonlocal total
        hit = {s: files for s in held.files if (files := held.changed(s))}
        if not hit:
            return
        running = {w.learner for w in pool if w.learner is not None} | ({just_done} if just_done else set())
        for s in hit:
            held.restore(s)
            if s in running and s != just_done and s not in queue and s not in serial:
                serial.append(s)  # it may have been graded from the changed copy: again, alone
                total += 1
        victims = lambda who: {s for s in hit if s != who}  # noqa: E731
        if len(running) == 1:
            who = next(iter(running))
            if victims(who):
                blamed.setdefault(who, set()).update(victims(who))
        else:
            for s in sorted(running - set(serial)):
                if s not in queue:
                    serial.append(s)
                    total += 1

    def busy() -> bool:
        return any(w.learner is not None for w in pool)

    def dispatch(w: _Worker, learner: str) -> None:
        if held.changed(learner):
            held.restore(learner)
        w.learner, w.started = learner, time.monotonic()
        w.conn.send(learner)

    queue = list(todo)
    pool = [spawn() for _ in range(max(1, min(options.workers, len(todo))))] if todo else []
    held.lock()
    try:
        while done < total:
            for w in pool:
                if w.ready and w.learner is None and queue:
                    dispatch(w, queue.pop(0))
                elif w.ready and w.learner is None and serial and not queue and not busy():
                    dispatch(w, serial.pop(0))
            if not pool and (queue or serial):
                pool.append(spawn())
            for conn in wait([w.conn for w in pool], timeout=0.5):
                w = next(x for x in pool if x.conn is conn)
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    code = w.proc.exitcode
                    pool.remove(w)
                    if w.learner is not None:
                        finish(w.learner, Outcome(w.learner, "failed", time.monotonic() - w.started,
                                                  reason=f"the grading process stopped unexpectedly (exit code {code})",
                                                  findings=tuple(f.message for f in findings[w.learner])))
                    elif not w.ready:
                        raise RuntimeError(f"a grading worker could not start (exit code {code})") from None
                    if queue or serial:
                        pool.append(spawn())
                    continue
                if kind == "ready":
                    w.ready = True
                    continue
                learner, ok, error, log, seconds = payload
                w.learner = None
                finish(learner, _outcome(course_dir, assignment, learner, ok, error, log, seconds,
                                         findings[learner], options.timeout, prints))
                check(learner)
            now = time.monotonic()
            for w in list(pool):
                # (a result already waiting in the pipe is read next time round, never timed out)
                if w.learner is not None and now - w.started > limit and not w.conn.poll():
                    stop(w)
                    pool.remove(w)
                    finish(w.learner, Outcome(w.learner, "failed", now - w.started,
                                              reason=f"stopped after {limit:g} s (the time limit)",
                                              findings=tuple(f.message for f in findings[w.learner])))
                    if queue or serial:
                        pool.append(spawn())
    finally:
        for w in pool:
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in pool:
            w.proc.join(10)
            if w.proc.is_alive():
                stop(w)
        check(None)
        held.unlock()
    for who, victims in sorted(blamed.items()):
        note = ("flagged: code in this submission changed other learners' collected work "
                f"({', '.join(sorted(victims))}); it was put back and they were graded from what was collected")
        flag_submission(gradebook_url(course_dir), assignment, who, note)
        o = outcomes[who]
        outcomes[who] = Outcome(o.learner, o.status, o.seconds, o.score, o.max_score,
                                "; ".join(filter(None, [o.reason, note])), o.findings)
    return [outcomes[s] for s in learners]


def _outcome(course_dir: Path, assignment: str, learner: str, ok: bool, error: str, log: str,
             seconds: float, found: list[Finding], timeout: float, prints: list | None = None) -> Outcome:
    notes = tuple(f.message for f in found)
    if not ok:
        fatal = [f.message for f in found if f.fatal]
        reason = "; ".join(fatal) if fatal else explain_failure(error, log, timeout)
        return Outcome(learner, "failed", seconds, reason=reason, findings=notes)
    tampered = [f.message for f in found if f.tamper]
    if tampered:  # what the learner did to the course's notebook or folder: for the assessor
        flag_submission(gradebook_url(course_dir), assignment, learner,
                        "Changed by the learner: " + "; ".join(tampered) + ".")
    leaks = []
    for nb in sorted((course_dir / "autograded" / learner / assignment).glob("*.ipynb")):
        if nb.stat().st_size > SCAN_LIMIT:
            leaks.append(f"{nb.name} is {nb.stat().st_size // 2**20} MB, too large to check for answer keys")
        else:
            leaks += feedback_problems(feedback_view(nbformat.read(nb, as_version=4)), nb.name, prints or [])
    if leaks:  # generate_feedback will refuse it too (RefuseLeakyFeedback); the assessor is told now
        flag_submission(gradebook_url(course_dir), assignment, learner,
                        "Its feedback would hold or cannot be checked for secrets (" + "; ".join(leaks)[:400]
                        + "): it is not to be released.")
    score, max_score, flagged, comments = _scores(course_dir, assignment, learner)
    extra = [f"flagged: {c}" for c in comments] if flagged else []
    for nb in (course_dir / "autograded" / learner / assignment).glob("*.ipynb"):
        cells = timed_out_cells(nb)
        if cells:
            extra.append(f"{nb.name}: cell(s) {', '.join(map(str, cells))} ran for longer than {timeout:g} s")
    return Outcome(learner, "graded", seconds, score, max_score, "; ".join(extra), notes)


def _scores(course_dir: Path, assignment: str, learner: str):
    """Score, maximum, whether flagged, and the marking notes, as the gradebook holds them."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course_dir)) as gb:
        try:
            sub = gb.find_submission(assignment, learner)
        except MissingEntry:
            return None, None, False, []
        notes = [c.auto_comment.replace("\n", " ") for nb in sub.notebooks for c in nb.comments if c.auto_comment]
        return sub.score, sub.max_score, any(nb.flagged for nb in sub.notebooks), notes


def gradebook_url(course_dir: Path) -> str:
    return os.environ.get("ODP_GRADEBOOK_URL") or f"sqlite:///{Path(course_dir) / 'gradebook.db'}"
