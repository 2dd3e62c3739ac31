"""Reading and appending to a record on disk, atomically.

Each append rewrites the file to a temporary name, fsyncs it and renames it over the old one.
A rename is atomic, so a kernel killed mid-write leaves either the old file or the new one:
at most the answer in flight is lost and earlier answers are never corrupted. A lock file
serialises writers (JupyterLab and Voila may both have the unit open).
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import fields as dc_fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from course.exceptions import (
    RecordDamagedError, RecordMissingError, RecordOwnerError, RecordVersionError,
)
from course.record import keys
from course.record.format import FORMAT, VERSION, Entry, Header

RECORD_FILE = "responses.jsonl"
_ENTRY_FIELDS = {f.name for f in dc_fields(Entry)}
_HEADER_FIELDS = {f.name for f in dc_fields(Header)}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def read_record(path: Path) -> tuple[Header, list[Entry]]:
    """Parse a record file. Raises a specific RecordError; never returns an empty record
    for a file that is damaged."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecordMissingError(f"{path.name}: no response record at {path}") from None
    return parse_record(raw, path.name)


def parse_record(raw: bytes, name: str = RECORD_FILE) -> tuple[Header, list[Entry]]:
    """Parse a record's bytes (from a file, or sent to the provisional scorer)."""
    path = Path(name)
    if not raw.strip():
        raise RecordDamagedError(f"{path.name}: the file is empty (expected a header line)")
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    parsed: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise RecordDamagedError(f"{path.name}: line {n} is not UTF-8 text (byte {exc.start})") from None
        except json.JSONDecodeError as exc:
            raise RecordDamagedError(f"{path.name}: line {n} is not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise RecordDamagedError(f"{path.name}: line {n} is not a JSON object")
        parsed.append(obj)
    head = parsed[0]
    if head.get("format") != FORMAT:
        raise RecordDamagedError(f"{path.name}: line 1 is not a response record header")
    if head.get("version") != VERSION:
        raise RecordVersionError(
            f"{path.name}: format version {head.get('version')!r}; this software reads version {VERSION}"
        )
    header = Header(**_checked(head, _HEADER_FIELDS, path.name, 1))
    entries = [Entry(**_checked(obj, _ENTRY_FIELDS, path.name, n))
               for n, obj in enumerate(parsed[1:], 2)]
    return header, entries


def _checked(obj: dict, allowed: set[str], name: str, n: int) -> dict:
    unknown = set(obj) - allowed
    if unknown:
        raise RecordDamagedError(f"{name}: line {n} has unknown field(s) {', '.join(sorted(unknown))}")
    required = {"learner", "unit"} | ({"seq", "item", "kind", "at"} if "seq" in allowed and n > 1 else set())
    missing = required - set(obj)
    if missing:
        raise RecordDamagedError(f"{name}: line {n} is missing field(s) {', '.join(sorted(missing))}")
    return obj


class ResponseRecord:
    """A learner's record for one unit, open for appending."""

    def __init__(self, path: Path, header: Header, entries: list[Entry], key: bytes) -> None:
        self.path, self.header, self.entries, self._key = path, header, entries, key
        self._seen = _signature(path)

    @classmethod
    def open(cls, folder: Path, learner: str, unit: str, key: bytes | None = None) -> "ResponseRecord":
        """Open the record in ``folder``, creating it if there is none yet."""
        folder = Path(folder)
        path = folder / RECORD_FILE
        if key is None:
            key, keyed = keys.kernel_key()
        else:
            keyed = key != keys.PUBLIC_KEY
        with _locked(path):
            if path.exists():
                header, entries = read_record(path)
                if header.learner != learner or header.unit != unit:
                    raise RecordOwnerError(
                        f"{RECORD_FILE} in {folder} belongs to learner {header.learner!r}, unit "
                        f"{header.unit!r}, not learner {learner!r}, unit {unit!r}"
                    )
                return cls(path, header, entries, key)
            header = Header(learner=learner, unit=unit, created=now(), keyed=keyed).sealed(key)
            folder.mkdir(parents=True, exist_ok=True)
            _write(path, [json.dumps(header.__dict__, sort_keys=True)])
            return cls(path, header, [], key)

    @property
    def head_mac(self) -> str:
        return self.entries[-1].mac if self.entries else self.header.mac

    def append(self, item: str, kind: str, response: Any, *, attempt: int = 1, seed: int = 0,
               extra: dict[str, Any] | None = None) -> Entry:
        with _locked(self.path):
            if _signature(self.path) != self._seen:  # another process wrote since we read
                self.header, self.entries = read_record(self.path)
            entry = Entry(
                seq=len(self.entries) + 1, at=now(), learner=self.header.learner,
                unit=self.header.unit, item=item, kind=kind, response=response,
                attempt=attempt, seed=seed, prev=self.head_mac, extra=extra or {},
            ).sealed(self._key)
            lines = [json.dumps(self.header.__dict__, sort_keys=True)]
            lines += [e.line() for e in self.entries] + [entry.line()]
            _write(self.path, lines)
            self.entries.append(entry)
            self._seen = _signature(self.path)
            return entry

    def latest(self, kinds: tuple[str, ...] = ("answer",), attempt: int | None = None) -> dict[str, Entry]:
        return latest_entries(self.entries, kinds, attempt)


def latest_entries(entries: list[Entry], kinds: tuple[str, ...] = ("answer",),
                   attempt: int | None = None) -> dict[str, Entry]:
    """The last entry per item among ``kinds`` (optionally for one attempt): what a widget shows.
    The folder record and the service-kept one (course.record.remote) both answer with this."""
    out: dict[str, Entry] = {}
    for e in entries:
        if e.kind in kinds and (attempt is None or e.attempt == attempt):
            out[e.item] = e
    return out


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, lines: list[str]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
