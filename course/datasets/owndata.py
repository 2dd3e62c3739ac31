"""A learner's own data file for their project, and what their assessor gets of it.

The learner chooses one of two things when they add their file:

- ``file``: the file is saved in the assignment folder (``own-data/``), so it goes with the
  submission and every chart is redrawn from it when the work is marked.
- ``checksum``: the data may not leave the department. The file is kept outside the assignment
  folder (``~/.odp/own-data/<unit>/``), so it is never submitted. The assessor gets its SHA-256
  fingerprint and summary tables (rows, and each column's range or number of values); the
  charts in the assessor's copy are then drawn from the course dataset, and say so.

Either way a description of the file (:class:`OwnData`) is saved in the learner's response
record, so the tamper check covers it, and the file is checked against its fingerprint each
time it is read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from course.datasets.errors import DataFileError
from course.datasets.registry import schema as schema_named
from course.datasets.userfile import load_user_file

OWN_DATA_ITEM = "own-data"      # the record item that describes the file
OWN_DATA_DIR = "own-data"       # in the assignment folder: submitted with the workbook
Share = Literal["file", "checksum"]


@dataclass(frozen=True)
class OwnData:
    schema: str
    filename: str
    sha256: str
    bytes: int
    rows: int
    share: Share
    saved_at: str
    summary: tuple[tuple[str, str, str], ...]   # (column, values, range or kinds)

    def to_record(self) -> dict[str, Any]:
        return {**asdict(self), "summary": [list(r) for r in self.summary]}

    @classmethod
    def from_record(cls, value: Any) -> "OwnData | None":
        if not isinstance(value, dict):
            return None
        try:
            return cls(**{**value, "summary": tuple(tuple(map(str, r)) for r in value.get("summary", []))})
        except TypeError:
            return None


def private_dir(unit_id: str) -> Path:
    """Where a file kept in the department lives: outside every assignment folder."""
    base = Path(os.environ.get("ODP_OWN_DATA_DIR") or Path.home() / ".odp" / "own-data")
    return base / unit_id


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(filename).name).strip(".-")
    return name or "my-data.csv"


def file_path(folder: Path, unit_id: str, own: OwnData) -> Path:
    base = Path(folder) / OWN_DATA_DIR if own.share == "file" else private_dir(unit_id)
    return base / _safe_name(own.filename)


def summarise(frame: pd.DataFrame) -> tuple[tuple[str, str, str], ...]:
    """Each column: how many values it has, and its range (numbers, dates) or distinct values."""
    rows = []
    for name in frame.columns:
        col = frame[name]
        values = f"{int(col.notna().sum()):,}"
        if pd.api.types.is_bool_dtype(col):
            spread = f"{int(col.sum()):,} true, {int((~col.astype(bool)).sum()):,} false"
        elif pd.api.types.is_numeric_dtype(col):
            spread = f"{col.min():,.2f} to {col.max():,.2f}" if col.notna().any() else "no values"
        elif pd.api.types.is_datetime64_any_dtype(col):
            spread = f"{col.min():%d %b %Y} to {col.max():%d %b %Y}" if col.notna().any() else "no values"
        else:
            spread = f"{col.nunique():,} different values"
        rows.append((str(name), values, spread))
    return tuple(rows)


def store_own_file(folder: Path, unit_id: str, schema: str, content: bytes, filename: str,
                   share: Share) -> tuple[OwnData, pd.DataFrame]:
    """Check the file against the data dictionary, then save it where ``share`` says. Raises
    DataFileError (nothing saved) if the file does not fit."""
    if share not in ("file", "checksum"):
        raise DataFileError(f"choose 'file' or 'checksum' for what your assessor gets, not {share!r}")
    frame = load_user_file(content, schema=schema, filename=filename)
    own = OwnData(schema, Path(filename).name, hashlib.sha256(content).hexdigest(), len(content), len(frame),
                  share, datetime.now(timezone.utc).isoformat(timespec="seconds"), summarise(frame))
    target = file_path(folder, unit_id, own)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(content)
    tmp.replace(target)
    # Only one copy, where the learner chose: a file kept in the department leaves no copy in
    # the folder that is submitted.
    other = file_path(folder, unit_id, OwnData(**{**asdict(own), "share": "checksum" if share == "file" else "file"}))
    other.unlink(missing_ok=True)
    return own, frame


def read_own_file(folder: Path, unit_id: str, own: OwnData) -> pd.DataFrame:
    path = file_path(folder, unit_id, own)
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError(f"your file {own.filename!r} is no longer at {path}: choose it again") from None
    if hashlib.sha256(content).hexdigest() != own.sha256:
        raise DataFileError(f"{own.filename!r} has changed since you chose it: choose it again so your "
                            "assessor gets the same data as your charts")
    return load_user_file(content, schema=own.schema, filename=own.filename)


def own_data_html(own: OwnData, *, drawn_from_file: bool) -> str:
    """What the assessor (and the report) is told about the data the charts come from."""
    title = schema_named(own.schema).title
    where = ("It was submitted with the workbook; the charts below are drawn from it." if drawn_from_file else
             "The learner kept it in their department, so it was not submitted. Below are its fingerprint "
             f"and summary tables; the charts below are drawn from the course's {escape(title.lower())} data, "
             "not from this file.")
    rows = "".join(f"<tr><th scope=\"row\">{escape(c)}</th><td>{escape(v)}</td><td>{escape(s)}</td></tr>"
                   for c, v, s in own.summary)
    return (f'<section class="odp odp-own-data" aria-label="The learner\'s own data">'
            f"<p><strong>Own data: {escape(own.filename)}</strong> ({own.rows:,} rows, {own.bytes:,} bytes, "
            f"checked against the {escape(title.lower())} data dictionary). {where}</p>"
            f"<p>SHA-256 fingerprint: <code>{own.sha256}</code></p>"
            f'<table class="odp-own-data-summary"><caption>Summary of {escape(own.filename)}</caption>'
            f'<thead><tr><th scope="col">Column</th><th scope="col">Values</th><th scope="col">Range</th></tr>'
            f"</thead><tbody>{rows}</tbody></table></section>")
