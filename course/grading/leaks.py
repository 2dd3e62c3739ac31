"""Scanning what a learner can receive for anything that gives a summative answer away.

Released notebooks, test-items.json, feedback HTML and the pages a learner-facing server sends
are all scanned for the same fingerprints, taken from the item banks:

- an answer-key field (``correct``, ``accept``) near a bank item's id;
- a bank item's prompt followed by an answer-key field (a summative item copied, key and all,
  into formative content);
- the text of a bank item's explanation, or of an option's feedback or misconception (a
  misconception given as an id of the unit's public misconceptions list is not private);
- an accepted answer of a text question, or the number of a numeric one, near its item id;
- the grader's hidden test code and the bank files' own banner.

Text is compared after undoing HTML and JSON escaping, so a key cannot hide behind ``&quot;``.

The scan also runs where feedback is made: `odp grade` scans each graded notebook as its
feedback will show it (flagging the submission), ``nbgrader generate_feedback`` refuses to write
feedback that holds a key or the course secret (``RefuseLeakyFeedback``), and `odp publish`
withholds any that does. A secret re-encoded by learner code (base64, say) is not recognised.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from course.content.model import ItemBank

NEAR = 600  # characters: how close a key field must be to an item id to count
GRADER_MARKERS = ("BEGIN HIDDEN TESTS", "course.grading.cells", "mark_test(",
                  "Contains the answer keys")
# The bank's key fields. ("answer" is not one: the check-your-answers list shows the learner
# their own answers under that name.)
_KEY_FIELD = r"""["']?\b(correct|accept)\b["']?\s*[:=]"""


@dataclass(frozen=True)
class Leak:
    where: str
    item: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" + (f" (item {self.item})" if self.item else "")


@dataclass(frozen=True)
class Fingerprint:
    item: str
    what: str
    pattern: re.Pattern
    needle: str = ""  # a plain substring the text must hold for the pattern to match (speed)


def _literal(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split())


def fingerprints(banks: Iterable[ItemBank]) -> list[Fingerprint]:
    prints = [Fingerprint("", f"grader-only text {m!r}", re.compile(re.escape(m)), m) for m in GRADER_MARKERS]
    for bank in banks:
        for q in bank.items:
            item = re.escape(q.id)
            prints.append(Fingerprint(q.id, "an answer-key field next to a test item's id",
                                      re.compile(rf"(?<![\w-]){item}(?![\w-])[\s\S]{{0,{NEAR}}}?{_KEY_FIELD}"), q.id))
            prints.append(Fingerprint(q.id, "a test item's prompt with an answer-key field",
                                      re.compile(rf"{_literal(q.prompt[:80])}[\s\S]{{0,{NEAR}}}?{_KEY_FIELD}"),
                                      q.prompt.split()[0]))
            # A misconception written as an id names an entry of the unit's public misconceptions
            # list (released with the unit); only prose written into the bank is private.
            private = [q.explanation] + [o.feedback for o in q.options] + [
                o.misconception for o in q.options if o.misconception and " " in o.misconception.strip()]
            for text in filter(None, private):
                prints.append(Fingerprint(q.id, "a test item's explanation or option feedback",
                                          re.compile(_literal(text)), text.split()[0]))
            keys = list(q.accept) + ([f"{q.answer:g}"] if q.answer is not None else [])
            for key in keys:
                prints.append(Fingerprint(q.id, "a test item's accepted answer next to its id", re.compile(
                    rf"(?<![\w-]){item}(?![\w-])[\s\S]{{0,{NEAR}}}?(?<!\w){_literal(key)}(?!\w)", re.I), q.id))
    return prints


def _normalised(text: str) -> str:
    # ipynb and JSON escape quotes and newlines; HTML escapes quotes and apostrophes.
    text = text.replace('\\"', '"').replace("\\n", "\n").replace("\\u2019", "\u2019")
    return html.unescape(html.unescape(text))


def scan_text(text: str, where: str, prints: list[Fingerprint]) -> list[Leak]:
    text = _normalised(text)
    return [Leak(where, p.item, p.what) for p in prints
            if (not p.needle or p.needle in text) and p.pattern.search(text)]


def scan_files(paths: Iterable[Path], prints: list[Fingerprint], root: Path | None = None) -> list[Leak]:
    leaks = []
    for path in paths:
        if path.is_file():
            name = str(path.relative_to(root)) if root else str(path)
            leaks += scan_text(path.read_bytes().decode("utf-8", "replace"), name, prints)
    return leaks


def scan_tree(folder: Path, prints: list[Fingerprint]) -> list[Leak]:
    return scan_files(sorted(Path(folder).rglob("*")), prints, Path(folder))


def secret_fingerprints(data_path: Path | None) -> list[Fingerprint]:
    """The course secret itself (from which every learner's sealing key is made), as text."""
    path = Path(data_path) / "course-secret.key" if data_path else None
    if path is None or not path.is_file():
        return []
    secret = path.read_text().strip()
    return [Fingerprint("", "the course secret", re.compile(re.escape(secret), re.I), "")] if secret else []


def grading_fingerprints(content_root: Path, data_path: Path | None) -> list[Fingerprint]:
    """What no feedback may hold: the banks' keys and prose, the grader's code, the course secret."""
    from course.content import load_course

    return fingerprints(load_course(content_root).banks.values()) + secret_fingerprints(data_path)


def feedback_view(nb) -> str:
    """A graded notebook as its feedback shows it (nbgrader's ClearHiddenTests applied), as text."""
    import copy

    import nbformat
    from nbgrader.preprocessors import ClearHiddenTests

    shown, _ = ClearHiddenTests().preprocess(copy.deepcopy(nb), {})
    return nbformat.writes(shown)


class FeedbackLeak(Exception):
    """Feedback would give an answer key or the course secret away: it is not written."""


# Feedback larger than this is not scanned (100 MB takes minutes): it is refused instead.
SCAN_LIMIT = 8 * 2**20


def feedback_problems(text: str, where: str, prints: list[Fingerprint]) -> list[str]:
    """Why this feedback must not be released: what it gives away, or that it is too large to check."""
    if len(text) > SCAN_LIMIT:
        return [f"{where} is {len(text) // 2**20} MB, too large to check for answer keys"]
    found: dict[str, set[str]] = {}
    for leak in scan_text(text, where, prints):
        found.setdefault(leak.what, set()).add(leak.item)
    return [f"{where}: {what}" + (f" (items {', '.join(sorted(filter(None, items)))[:120]})" if any(items) else "")
            for what, items in sorted(found.items())]


def refuse_leaks(text: str, where: str, prints: list[Fingerprint]) -> None:
    problems = feedback_problems(text, where, prints)
    if problems:
        raise FeedbackLeak(f"{where}: the feedback would hold {len(problems)} secret(s) or cannot be checked ("
                           + "; ".join(problems)[:400] + "): it was not written, and must not be released")
