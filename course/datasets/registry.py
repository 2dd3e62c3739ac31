"""The datasets by name: their schemas (data dictionaries) and generators.

Example:
    >>> from course.datasets import generate, names
    >>> names()
    ['benefit_claims', 'contact_centre', 'debt_recovery', 'passport_applications']
    >>> len(generate("contact_centre", rows=500, seed=7))
    500
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from course.datasets import benefit_claims, contact_centre, debt_recovery, passport_applications
from course.datasets._generate import DEFAULT_ROWS
from course.datasets.errors import UnknownDatasetError
from course.datasets.schema import Schema


@dataclass(frozen=True)
class Dataset:
    schema: Schema
    generator: Callable[..., pd.DataFrame]


DATASETS: dict[str, Dataset] = {
    m.NAME: Dataset(m.SCHEMA, m.generate)
    for m in (benefit_claims, contact_centre, debt_recovery, passport_applications)
}


def names() -> list[str]:
    return sorted(DATASETS)


def get(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise UnknownDatasetError(f"there is no dataset called {name!r}; choose one of {', '.join(names())}") from None


def schema(name: str) -> Schema:
    """The data dictionary of a dataset."""
    return get(name).schema


def generate(name: str, rows: int = DEFAULT_ROWS, seed: int | None = None) -> pd.DataFrame:
    """Generate a dataset: the same name, rows and seed always give the same frame."""
    return get(name).generator(rows=rows, seed=seed)


def data_dictionaries_markdown() -> str:
    """Every dataset's data dictionary as Markdown, for docs/analysis.md."""
    return "\n".join(schema(n).markdown() for n in names())
