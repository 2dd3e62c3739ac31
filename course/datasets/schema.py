"""Data dictionaries: what each column of a dataset holds, its type and its unit.

Each dataset module defines a :class:`Schema`. The same schema documents the generated data
(``schema.data_dictionary()``, ``schema.markdown()``) and checks a learner's own file
(:func:`course.datasets.load_user_file`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

ColumnType = Literal["integer", "number", "text", "category", "date", "datetime", "boolean"]

TYPE_WORDS: dict[str, str] = {
    "integer": "a whole number",
    "number": "a number",
    "text": "text",
    "category": "one of a set of labels",
    "date": "a date (YYYY-MM-DD)",
    "datetime": "a date and time (YYYY-MM-DD HH:MM)",
    "boolean": "true or false",
}


@dataclass(frozen=True)
class Column:
    """One column: its name, type, meaning and unit ('' if it has none)."""

    name: str
    type: ColumnType
    meaning: str
    unit: str = ""
    required: bool = True  # False: blanks are allowed (e.g. no completion date yet)


@dataclass(frozen=True)
class Schema:
    """A dataset's data dictionary, and the published figures it is calibrated to."""

    name: str
    title: str
    description: str
    calibration: list[str]
    columns: list[Column] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def data_dictionary(self) -> pd.DataFrame:
        """Column, type, meaning and unit, one row per column."""
        return pd.DataFrame(
            [{"column": c.name, "type": c.type, "meaning": c.meaning, "unit": c.unit or "-",
              "blanks allowed": "yes" if not c.required else "no"} for c in self.columns]
        )

    def markdown(self) -> str:
        """The data dictionary as a Markdown section (used to build docs/analysis.md)."""
        lines = [f"### {self.title} (`{self.name}`)", "", self.description, "", "Calibrated to:", ""]
        lines += [f"- {c}" for c in self.calibration]
        lines += ["", "| column | type | meaning | unit | blanks allowed |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{c.name}` | {c.type} | {c.meaning} | {c.unit or '-'} | {'yes' if not c.required else 'no'} |"
                  for c in self.columns]
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        from html import escape

        items = "".join(f"<li>{escape(c)}</li>" for c in self.calibration)
        table = self.data_dictionary().to_html(index=False, border=0)
        table = table.replace(">\n  <thead>", f"><caption>Data dictionary: {escape(self.title)}</caption>\n  <thead>", 1)
        return f"<div><p>{escape(self.description)}</p><p>Calibrated to:</p><ul>{items}</ul>{table}</div>"
