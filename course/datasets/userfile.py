"""Loading a learner's own CSV or Excel file, checked against a dataset's data dictionary.

The file is read in memory on the learner's machine (or their own notebook server): nothing is
sent anywhere or copied elsewhere. Problems are reported in plain English, naming the column,
the row (counted as a spreadsheet counts them: the header is row 1) and the value, so the
learner can find and fix it in Excel.

Example:
    >>> frame = load_user_file(b"opened_date,balance_gbp\\n2024-01-02,100\\n", schema="debt_recovery",
    ...                        columns=["opened_date", "balance_gbp"])
    >>> float(frame["balance_gbp"].sum())
    100.0
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from course.datasets.errors import DataFileError
from course.datasets.registry import schema as schema_named
from course.datasets.schema import TYPE_WORDS, Column, Schema

XLSX_MAGIC = b"PK\x03\x04"  # .xlsx files are zip archives
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
TRUE_WORDS = {"true", "yes", "y", "1", "t"}
FALSE_WORDS = {"false", "no", "n", "0", "f"}


def _read_bytes(source: str | Path | bytes | bytearray | memoryview) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "the file"
    path = Path(source)
    try:
        return path.read_bytes(), path.name
    except FileNotFoundError:
        raise DataFileError(f"There is no file called {path.name!r} at {path.parent}") from None
    except IsADirectoryError:
        raise DataFileError(f"{path.name!r} is a folder, not a file") from None


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex().upper()
        raise DataFileError(
            f"{name} is not saved as UTF-8 text: byte 0x{byte} at position {exc.start} (line {line}) "
            "cannot be read. In Excel choose File > Save As > 'CSV UTF-8 (Comma delimited)' and try again."
        ) from None


def _raw_table(data: bytes, name: str, filename: str) -> pd.DataFrame:
    """Every cell as text (or None if blank), with the header row kept as given."""
    if data.startswith(OLD_XLS_MAGIC):
        raise DataFileError(f"{name} is an old-style .xls workbook: save it as .xlsx or CSV UTF-8 and try again")
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        try:
            raw = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            raise DataFileError(f"{name} could not be read as an Excel workbook ({type(exc).__name__}): "
                                "open it in Excel, save it again as .xlsx and retry") from None
        rows = [["" if pd.isna(v) else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for v in r]
                for r in raw.itertuples(index=False)]
    else:
        text = _decode(data, name)
        if not text.strip():
            raise DataFileError(f"{name} is empty: it has no header row and no data")
        rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(str(c).strip() for c in r)]
    if not rows:
        raise DataFileError(f"{name} is empty: it has no header row and no data")
    header = [str(h).strip() for h in rows[0]]
    for col, count in Counter(header).items():
        if count > 1 and col:
            raise DataFileError(f"{name} has the column heading {col!r} {count} times: each heading must appear once",
                                column=col)
    width = len(header)
    body = [(list(r) + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    frame.index = np.arange(2, len(frame) + 2)  # spreadsheet row numbers
    return frame


def _convert(values: pd.Series, col: Column, name: str) -> pd.Series:
    text = values.astype(str).str.strip()
    blank = text.eq("") | text.str.lower().isin({"nan", "nat", "none"})
    if col.required and blank.any():
        row = int(blank.index[blank.argmax()])
        raise DataFileError(f"Column {col.name!r} is blank at row {row}: every row needs a value", column=col.name, row=row)
    if col.type in ("integer", "number"):
        cleaned = text.str.replace(",", "", regex=False).str.replace("£", "", regex=False)
        out = pd.to_numeric(cleaned.where(~blank), errors="coerce")
        bad = out.isna() & ~blank
        if col.type == "integer" and not bad.any():
            bad = ~blank & (out.fillna(0) % 1 != 0)
    elif col.type in ("date", "datetime"):
        # ISO dates (2024-03-31) first; anything else is read the UK way, day first (31/03/2024).
        out = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
        other = out.isna() & ~blank
        if other.any():
            out = out.astype("datetime64[ns]")
            out[other] = pd.to_datetime(text[other], errors="coerce", format="mixed", dayfirst=True)
        bad = out.isna() & ~blank
    elif col.type == "boolean":
        low = text.str.lower()
        out = pd.Series(np.where(low.isin(TRUE_WORDS), True, np.where(low.isin(FALSE_WORDS), False, None)),
                        index=text.index, dtype=object)
        bad = out.isna() & ~blank
    else:
        out = text.where(~blank)
        bad = pd.Series(False, index=text.index)
    if bad.any():
        row = int(bad.index[bad.argmax()])
        raise DataFileError(
            f"Wrong type in column {col.name!r} at row {row} (value {values.loc[row]!r}): "
            f"expected {TYPE_WORDS[col.type]}", column=col.name, row=row,
        )
    if col.type == "integer":
        return out.astype("Int64")
    if col.type == "number":
        return out.astype(float)
    if col.type == "boolean":
        return out.astype("boolean")
    if col.type == "category":
        return out.astype("category")
    return out


def load_user_file(
    source: str | Path | bytes | bytearray | memoryview,
    schema: str | Schema,
    columns: Sequence[str] | None = None,
    filename: str = "",
) -> pd.DataFrame:
    """Read a CSV (UTF-8) or .xlsx file and check it against a dataset's data dictionary.

    ``source`` is a path or the file's bytes (e.g. from an upload; pass ``filename`` so an
    .xlsx is recognised). ``columns`` limits the check to the columns your analysis needs
    (default: every column in the schema). Extra columns are kept as text. Raises
    :class:`DataFileError` naming the first problem found.
    """
    sch = schema_named(schema) if isinstance(schema, str) else schema
    data, name = _read_bytes(source)
    name = f"'{filename}'" if filename else name if name == "the file" else f"'{name}'"
    if not data.strip():
        raise DataFileError(f"{name.capitalize() if name == 'the file' else name} is empty: it has no header row and no data")
    raw = _raw_table(data, name.capitalize() if name == "the file" else name, filename)
    wanted = list(columns) if columns is not None else sch.column_names
    unknown = [c for c in wanted if c not in sch.column_names]
    if unknown:
        raise DataFileError(f"{unknown[0]!r} is not a column of the {sch.title} data dictionary")
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        found = ", ".join(repr(c) for c in raw.columns if c) or "none"
        raise DataFileError(
            f"The file is missing column {missing[0]!r}"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + f", which the {sch.title} data needs. Columns found: {found}",
            column=missing[0],
        )
    if raw.empty:
        raise DataFileError("The file has column headings but no rows of data")
    out = {c: _convert(raw[c], sch.column(c), name) for c in wanted}
    extra = {c: raw[c] for c in raw.columns if c not in out and c}
    frame = pd.DataFrame({**out, **extra})
    return frame.reset_index(drop=True)
