"""Loading a learner's own CSV or Excel file, checked against a dataset's data dictionary.

The file is read in memory on the learner's machine (or their own notebook server): nothing is
sent anywhere or copied elsewhere. Problems are reported in plain English, naming the column,
the row as the spreadsheet shows it (blank rows and any rows above the header are counted, so
row 7 is the row Excel labels 7) and the value, so the learner can find and fix it in Excel. A
misspelt heading gets a "did you mean".

Dates are read one way per column. ISO dates (2024-03-31) are unambiguous. For dates written
with slashes, dots or dashes (31/03/2024, 03/31/2024) the column's order is decided once, from
its own values: a first part above 12 means day first, a second part above 12 means month first.
A column with both is an error; a column with neither (every date could be read either way) is
an error too, unless the learner says which with ``dayfirst=True`` (UK, 31/03/2024) or
``dayfirst=False`` (US, 03/31/2024). No date is ever silently swapped.

Example:
    >>> frame = load_user_file(b"opened_date,balance_gbp\\n2024-01-02,100\\n", schema="debt_recovery",
    ...                        columns=["opened_date", "balance_gbp"])
    >>> float(frame["balance_gbp"].sum())
    100.0
"""

from __future__ import annotations

import csv
import difflib
import io
import re
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
    numbered = [(n, r) for n, r in enumerate(rows, 1) if any(str(c).strip() for c in r)]
    if not numbered:
        raise DataFileError(f"{name} is empty: it has no header row and no data")
    (header_row, first), body_rows = numbered[0], numbered[1:]
    header = [str(h).strip() for h in first]
    for col, count in Counter(header).items():
        if count > 1 and col:
            raise DataFileError(f"{name} has the column heading {col!r} {count} times: each heading must appear once",
                                column=col)
    width = len(header)
    body = [(list(r) + [""] * width)[:width] for _, r in body_rows]
    frame = pd.DataFrame(body, columns=header, dtype=object)
    # Each row keeps the number the spreadsheet shows: blank rows and rows above the header count.
    frame.index = pd.Index([n for n, _ in body_rows], dtype="int64")
    frame.attrs["header_row"] = header_row
    return frame


# 31/03/2024, 3.1.24, 03-31-2024 14:30 (day and month in either order); time optional.
DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$")
YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$")


def _example(values: pd.Series, mask: pd.Series) -> str:
    row = int(mask.index[mask.argmax()])
    return f"row {row} ({values.loc[row]!r})"


def _parse_dates(text: pd.Series, blank: pd.Series, col: Column, dayfirst: bool | None) -> pd.Series:
    """One reading per column: ISO, or day/month in the one order the column's values allow."""
    out = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
    other = out.isna() & ~blank
    if not other.any():
        return out
    out = out.astype("datetime64[ns]")
    rest = text[other]
    ymd = rest.str.extract(YMD_SLASH)
    is_ymd = ymd[0].notna()
    if is_ymd.any():
        iso = ymd[0] + "-" + ymd[1].str.zfill(2) + "-" + ymd[2].str.zfill(2) + (" " + ymd[3]).fillna("")
        out[iso[is_ymd].index] = pd.to_datetime(iso[is_ymd], errors="coerce", format="ISO8601")
    dmy = rest.str.extract(DMY)
    is_dmy = dmy[0].notna()
    if is_dmy.any():
        d = dmy[is_dmy]
        first, second = d[0].astype(int), d[1].astype(int)
        day_evidence, month_evidence = (first > 12) & (second <= 12), (second > 12) & (first <= 12)
        where = f"Column {col.name!r}"
        if day_evidence.any() and month_evidence.any():
            raise DataFileError(
                f"{where} mixes two date orders: {_example(text, day_evidence)} can only be day first "
                f"and {_example(text, month_evidence)} can only be month first. Write every date in the "
                "column the same way (best: YYYY-MM-DD) and try again",
                column=col.name, row=int(month_evidence.index[month_evidence.argmax()]))
        if day_evidence.any() or month_evidence.any():
            found = bool(day_evidence.any())
            if dayfirst is not None and dayfirst != found:
                ev = day_evidence if found else month_evidence
                raise DataFileError(
                    f"{where} was to be read {'day' if dayfirst else 'month'} first (dayfirst={dayfirst}), but "
                    f"{_example(text, ev)} can only be {'day' if found else 'month'} first: check the file "
                    "or the dayfirst setting", column=col.name, row=int(ev.index[ev.argmax()]))
            dayfirst = found
        elif dayfirst is None:
            sample = text.loc[int(d.index[0])]
            a, b = int(d.iloc[0, 0]), int(d.iloc[0, 1])
            raise DataFileError(
                f"The dates in column {col.name!r} could be day first or month first: nothing in the file "
                f"settles it (row {int(d.index[0])}, {sample!r}, is {_day_month(a, b)} read the UK way "
                f"or {_day_month(b, a)} read the US way). Say which: dayfirst=True for UK dates (31/03/2024) "
                "or dayfirst=False for US dates (03/31/2024)",
                column=col.name, row=int(d.index[0]), kind="date_order")
        day, month = (d[0], d[1]) if dayfirst else (d[1], d[0])
        year = d[2].where(d[2].str.len() == 4, "20" + d[2])  # Excel's short year: 24 is 2024
        iso = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2) + (" " + d[3]).fillna("")
        out[iso.index] = pd.to_datetime(iso, errors="coerce", format="ISO8601")
    # Dates written in words (2 April 2024) say their own order.
    words = other & ~text.index.isin(dmy.index[is_dmy]) & ~text.index.isin(ymd.index[is_ymd])
    if words.any():
        out[words] = pd.to_datetime(text[words], errors="coerce", format="mixed", dayfirst=True)
    return out


MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def _day_month(day: int, month: int) -> str:
    return f"{day} {MONTHS[month - 1]}" if 1 <= month <= 12 else "not a date"


def _did_you_mean(wanted: str, found: Sequence[str]) -> str:
    """A close heading in the file, for "did you mean": case and spacing first, then spelling."""
    norm = {re.sub(r"[\s_-]+", "_", f.strip().lower()): f for f in found if f}
    key = re.sub(r"[\s_-]+", "_", wanted.lower())
    if key in norm:
        return norm[key]
    close = difflib.get_close_matches(key, list(norm), n=1, cutoff=0.75)
    return norm[close[0]] if close else ""


def _convert(values: pd.Series, col: Column, name: str, dayfirst: bool | None = None) -> pd.Series:
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
        out = _parse_dates(text, blank, col, dayfirst)
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
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read a CSV (UTF-8) or .xlsx file and check it against a dataset's data dictionary.

    ``source`` is a path or the file's bytes (e.g. from an upload; pass ``filename`` so an
    .xlsx is recognised). ``columns`` limits the check to the columns your analysis needs
    (default: every column in the schema). Extra columns are kept as text. ``dayfirst`` says
    how to read dates such as 02/04/2024 when nothing in a column settles the order (``True``:
    UK, 2 April; ``False``: US, 4 February); leave it ``None`` to be asked. Raises
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
        hints = [(m, _did_you_mean(m, [c for c in raw.columns if c not in wanted])) for m in missing]
        hints = [f"{h!r} for {m!r}" for m, h in hints if h]
        raise DataFileError(
            f"The file is missing column {missing[0]!r}"
            + (f" (and {len(missing) - 1} more: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + f", which the {sch.title} data needs. Columns found: {found}"
            + (f". Did you mean {'; '.join(hints)}? Rename the heading in row {raw.attrs['header_row']} "
               "to match" if hints else ""),
            column=missing[0],
        )
    if raw.empty:
        raise DataFileError("The file has column headings but no rows of data")
    out = {c: _convert(raw[c], sch.column(c), name, dayfirst) for c in wanted}
    extra = {c: raw[c] for c in raw.columns if c not in out and c}
    frame = pd.DataFrame({**out, **extra})
    return frame.reset_index(drop=True)
