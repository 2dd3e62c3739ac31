"""Written answers and reflections, checklists, and the CPD plan-do-review log."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from course.record import ResponseRecord
from course.record.store import now
from course.widgets.base import CourseWidget
from course.widgets.guard import MAX_ITEMS, MAX_LONG, LongText, Refused, Request, ShortId, ShortText
from course.widgets.times import saved_status, uk_date, uk_datetime

CPD_FIELDS = ("plan", "do", "review")
MAX_CPD_TEXT = 5_000


class WrittenWidget(CourseWidget):
    """A written response with a live word count; saved as the learner types (debounced)."""

    browser_traits = frozenset({"response"})

    def __init__(self, record: ResponseRecord, item_id: str, label: str, *, brief: str = "",
                 min_words: int = 0, max_words: int = 0, number: str = "", attempt: int = 1) -> None:
        super().__init__(record, item_id, attempt=attempt, kind="written", label=label, number=number,
                         config={"brief": brief, "min_words": min_words, "max_words": max_words})

    def check_browser_value(self, name: str, value: Any) -> Any:
        if not (isinstance(value, str) and len(value) <= MAX_LONG):
            raise Refused(f"not a text of up to {MAX_LONG} characters")
        return value

    @property
    def word_count(self) -> int:
        return len(str(self.response or "").split())


class ChecklistWidget(CourseWidget):
    browser_traits = frozenset({"response"})

    def __init__(self, record: ResponseRecord, item_id: str, label: str, items: list[str], *,
                 prompt: str = "") -> None:
        super().__init__(record, item_id, kind="checklist", label=label,
                         config={"items": list(items), "prompt": prompt})

    def check_browser_value(self, name: str, value: Any) -> Any:
        count = len(self.config["items"])
        if not (isinstance(value, list) and len(value) <= min(count, MAX_ITEMS) and len(set(value)) == len(value)
                and all(type(v) is int and 0 <= v < count for v in value)):
            raise Refused("not a list of this checklist's item numbers")
        return value


class CpdEntryFields(Request):
    date: ShortText
    plan: LongText = ""
    do: LongText = ""
    review: LongText = ""


class CpdEdit(CpdEntryFields):
    id: ShortId


UK_DATE = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _real_date(text: str) -> str | None:
    """A date as UK users write it (23/11/2026) or ISO, as ISO text; None if not a real date."""
    text = text.strip()
    if m := UK_DATE.match(text):
        day, month, year = map(int, m.groups())
    elif m := ISO_DATE.match(text):
        year, month, day = map(int, m.groups())
    else:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _when(moment: Any) -> str:
    try:
        return uk_datetime(str(moment))
    except ValueError:  # a time that cannot be read is left out rather than stopping the log
        return ""


class CpdLogWidget(CourseWidget):
    """Plan-do-review entries with dates, which the learner can edit later (the Review is often
    written weeks after the Plan). The response is the list of entries, each at its latest
    version; every version stays in the record, since each save appends the whole log with the
    entry and version it changed. ``view`` lists each entry's earlier versions."""

    actions: ClassVar = {"add": CpdEntryFields, "edit": CpdEdit}

    def __init__(self, record: ResponseRecord, item_id: str, label: str, *, prompt: str = "") -> None:
        super().__init__(record, item_id, kind="cpd_log", label=label, config={"prompt": prompt})

    # -- reading back ------------------------------------------------------------------------
    def restore(self) -> None:
        """Each entry's versions, oldest first, from every save of this log in the record."""
        versions: dict[str, list[dict[str, Any]]] = {}
        for e in self.record.entries:
            if e.item != self.item_id or e.kind != "answer" or not isinstance(e.response, list):
                continue
            for n, entry in enumerate(e.response, 1):
                if not isinstance(entry, dict):
                    continue
                entry = {"id": f"e{n}", "version": 1, **entry}  # logs saved before entries had ids
                if type(entry["version"]) is not int or not isinstance(entry["id"], str):
                    continue  # not an entry this widget wrote
                seen = versions.setdefault(entry["id"], [])
                if not seen or seen[-1]["version"] != entry["version"]:
                    seen.append({**entry, "saved": entry.get("saved") or e.at})
        self._versions = versions
        self.response = [self._public(v[-1]) for v in versions.values()] or None
        self.view = {**self._history(), "request": self.view.get("request")}

    def _public(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {"id": entry["id"], "version": entry["version"], "date": entry.get("date", ""),
                **{k: entry.get(k, "") for k in CPD_FIELDS}, "saved": entry["saved"]}

    def _history(self) -> dict[str, Any]:
        def shown(v: dict[str, Any]) -> dict[str, Any]:
            day = _real_date(str(v.get("date", "")))
            return {"version": v["version"], "date_text": uk_date(day) if day else str(v.get("date", "")),
                    "saved_text": _when(v.get("saved")), **{k: v.get(k, "") for k in CPD_FIELDS}}
        return {"entries": {eid: {"current": shown(vs[-1]), "earlier": [shown(v) for v in reversed(vs[:-1])]}
                            for eid, vs in self._versions.items()}}

    def versions(self, entry_id: str) -> list[dict[str, Any]]:
        """Every version of one entry, oldest first."""
        return list(self._versions.get(entry_id, []))

    # -- the learner's actions ---------------------------------------------------------------
    def _checked(self, content: dict[str, Any]) -> tuple[dict[str, str], list[tuple[str, str]]]:
        fields = {k: str(content.get(k) or "").strip() for k in CPD_FIELDS}
        errors = []
        iso = _real_date(content["date"])
        if not content["date"].strip():
            errors.append(("date", "Enter the date of this entry"))
        elif iso is None:
            errors.append(("date", "Enter a real date, for example 23/11/2026"))
        if not fields["plan"]:
            errors.append(("plan", "Enter what you plan to learn"))
        errors += [(k, f"{k.capitalize()} must be {MAX_CPD_TEXT} characters or fewer")
                   for k in CPD_FIELDS if len(fields[k]) > MAX_CPD_TEXT]
        return {"date": iso or "", **fields}, errors

    def _save(self, request: Any, entry: dict[str, Any], said: str) -> None:
        current = [self._public(v[-1]) for v in self._versions.values()]
        if any(e["id"] == entry["id"] for e in current):
            log = [entry if e["id"] == entry["id"] else e for e in current]
        else:
            log = [*current, entry]
        if self.write("answer", log, cpd_entry=entry["id"], version=entry["version"]) is None:
            self.view = {**self.view, "request": request, "errors": [["plan", self.status]]}
            return
        self._versions.setdefault(entry["id"], []).append(entry)
        self._quiet = True
        try:
            self.response = log
        finally:
            self._quiet = False
        self.status = saved_status(entry["saved"])
        self.view = {**self._history(), "request": request, "done": entry["id"], "announce": said}

    def on_add(self, content: dict[str, Any]) -> None:
        fields, errors = self._checked(content)
        if errors:
            self.view = {**self.view, "request": content["request"], "errors": [list(e) for e in errors]}
            return
        entry_id = f"e{len(self._versions) + 1}"
        while entry_id in self._versions:
            entry_id += "x"
        entry = {"id": entry_id, "version": 1, **fields, "saved": now()}
        self._save(content["request"], entry, f"Your entry of {uk_date(fields['date'])} is saved.")

    def on_edit(self, content: dict[str, Any]) -> None:
        versions = self._versions.get(content["id"])
        if not versions:
            raise Refused(f"no CPD entry {content['id']!r}")
        fields, errors = self._checked(content)
        latest = versions[-1]
        if not errors and all(fields[k] == latest.get(k, "") for k in ("date", *CPD_FIELDS)):
            errors = [("plan", "You have not changed this entry. Change it, or cancel")]
        if errors:
            self.view = {**self.view, "request": content["request"], "errors": [list(e) for e in errors]}
            return
        entry = {"id": latest["id"], "version": latest["version"] + 1, **fields, "saved": now()}
        self._save(content["request"], entry,
                   f"Your entry of {uk_date(fields['date'])} is updated. This is version {entry['version']}; "
                   "earlier versions are kept below it.")

    _quiet = False

    def _on_response(self, change: dict[str, Any]) -> None:
        if not self._quiet:  # the kernel is the only writer: _save has written this already
            super()._on_response(change)

    # Simulating the learner from Python (tests and the widget API), the same paths a browser takes.
    def add_entry(self, date: str, plan: str, do: str = "", review: str = "") -> None:
        self.act("add", date=date, plan=plan, do=do, review=review)

    def edit_entry(self, entry_id: str, *, date: str, plan: str, do: str = "", review: str = "") -> None:
        self.act("edit", id=entry_id, date=date, plan=plan, do=do, review=review)
