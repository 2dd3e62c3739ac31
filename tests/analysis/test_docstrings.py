"""The examples in the toolkit's and datasets' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import course.analysis
import course.datasets

MODULES = sorted(
    f"{pkg.__name__}.{m.name}" for pkg in (course.analysis, course.datasets) for m in pkgutil.iter_modules(pkg.__path__)
) + ["course.analysis", "course.datasets"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
