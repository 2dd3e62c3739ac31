"""Checking a record's chain: which items can still be trusted, and why not the others."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from html import escape

from course.record.format import Entry, Header, mac


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]
    affected_items: frozenset[str]   # items whose answers must not be trusted
    all_affected: bool               # the whole record is untrusted (header, owner, truncation)

    def trusted(self, item: str) -> bool:
        return not self.all_affected and item not in self.affected_items

    def reason(self) -> str:
        return "; ".join(self.problems)

    def _repr_html_(self) -> str:
        if self.ok:
            return "<p><strong>Record intact.</strong></p>"
        items = "".join(f"<li>{escape(p)}</li>" for p in self.problems)
        return f"<p><strong>Record failed its tamper check:</strong></p><ul>{items}</ul>"


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def verify(header: Header, entries: list[Entry], key: bytes, *, learner: str | None = None,
           unit: str | None = None, head_mac: str | None = None) -> Verification:
    """Verify the chain. ``head_mac``, when known (e.g. recorded by the course server at
    submission), also catches entries removed from the end."""
    problems: list[str] = []
    affected: set[str] = set()
    whole = False
    if not _same(mac(key, header.fields()), header.mac):
        problems.append("the record header was edited, or the record was sealed with another key")
        whole = True
    if learner is not None and header.learner != learner:
        problems.append(f"the record belongs to learner {header.learner!r}, not {learner!r}")
        whole = True
    if unit is not None and header.unit != unit:
        problems.append(f"the record is for unit {header.unit!r}, not {unit!r}")
        whole = True
    prev = header.mac
    broken_at: int | None = None
    for i, e in enumerate(entries):
        if broken_at is None and (e.seq != i + 1 or not _same(e.prev, prev)):
            broken_at = i
            problems.append(f"entries were removed or reordered before entry {i + 1} (item {e.item!r})")
        if e.learner != header.learner or e.unit != header.unit:
            problems.append(f"entry {i + 1} (item {e.item!r}) names another learner or unit")
            affected.add(e.item)
        elif not _same(mac(key, e.fields()), e.mac):
            problems.append(f"entry {i + 1} (item {e.item!r}) was edited")
            affected.add(e.item)
        if broken_at is not None:
            affected.add(e.item)
        prev = e.mac
    last = entries[-1].mac if entries else header.mac
    if head_mac is not None and not _same(head_mac, last):
        problems.append("entries were removed from the end of the record")
        whole = True
    return Verification(not problems, tuple(problems), frozenset(affected), whole)
