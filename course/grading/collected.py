"""The collected submissions, held still while `odp grade` runs learners' notebooks.

Grading runs each learner's notebook, so a submission's code could reach the other learners'
collected copies in ``submitted/``. While a batch runs:

- every collected file and folder is made read-only (and put back as it was afterwards);
- a copy of every collected file is kept in the grader's own memory, where no kernel can reach;
- after each submission is graded, every collected copy is compared with that copy; one that
  changed is put back before it is graded, and the change is laid at the door of the
  submission(s) that were being graded when it happened (``course.grading.batch``).

This stops a submission changing another's collected work for good; it is not a sandbox (the
grader runs as one OS user, who may make a file writable again), which is why changes are also
looked for and undone.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


@dataclass
class Collected:
    root: Path                      # submitted/
    assignment: str
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)   # learner → path → bytes
    modes: dict[Path, int] = field(default_factory=dict)

    @classmethod
    def take(cls, course_dir: Path, assignment: str, learners: list[str]) -> "Collected":
        root = Path(course_dir) / "submitted"
        held = cls(root, assignment)
        for learner in learners:
            held.files[learner] = _files(held.folder(learner))
        return held

    def folder(self, learner: str) -> Path:
        return self.root / learner / self.assignment

    def lock(self) -> None:
        """Make every collected file and folder read-only, remembering how each was."""
        for learner in self.files:
            top = self.folder(learner)
            for path in [*sorted(top.rglob("*"), reverse=True), top]:
                if path.is_symlink():
                    continue
                mode = stat.S_IMODE(path.stat().st_mode)
                self.modes[path] = mode
                os.chmod(path, mode & ~0o222)

    def unlock(self) -> None:
        for path, mode in self.modes.items():
            try:
                os.chmod(path, mode)
            except FileNotFoundError:
                pass
        self.modes.clear()

    def changed(self, learner: str) -> list[str]:
        """The files of this learner's collected copy that differ from what was collected
        (changed, added or removed)."""
        want, folder = self.files[learner], self.folder(learner)
        try:
            have = _files(folder)
        except OSError:
            return sorted(want)
        return sorted(p for p in set(want) | set(have) if want.get(p) != have.get(p))

    def restore(self, learner: str) -> None:
        """Put this learner's collected copy back as it was collected."""
        want, folder = self.files[learner], self.folder(learner)
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                os.chmod(path, 0o700)
        for path in sorted(folder.rglob("*"), reverse=True):
            rel = str(path.relative_to(folder))
            if path.is_symlink() or (path.is_file() and rel not in want):
                path.unlink()
            elif path.is_dir() and not any(k.startswith(rel + os.sep) for k in want):
                path.rmdir()
        for rel, data in want.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                os.chmod(target, 0o600)
            target.write_bytes(data)
        if self.modes:  # still grading: read-only again
            for path in [folder, *folder.rglob("*")]:
                os.chmod(path, self.modes.get(path, 0o755 if path.is_dir() else 0o644) & ~0o222)
