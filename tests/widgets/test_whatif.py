"""What-if inputs for options appraisal recompute the result and its sensitivity on every change."""

from __future__ import annotations

import doctest

import pytest

import course.widgets.whatif as whatif_module
from course.analysis import npv
from course.widgets.whatif import what_if


def automate(cost=250_000, saving=80_000, years=5):
    return npv([-cost] + [saving] * int(years))


def test_changing_an_input_recomputes_into_a_live_region():
    w = what_if(automate, label="Net present value (£)")
    assert [b.description for b in w.inputs.values()] == ["cost", "saving", "years"]
    assert 'role="status"' in w.result.value and "Net present value (£): 111,204" in w.result.value
    w.inputs["saving"].value = 60_000
    annuity = sum(1.035 ** -t for t in range(1, 6))
    assert w.values["saving"] == 60_000
    assert f"Net present value (£): {-250_000 + 60_000 * annuity:,.0f}" in w.result.value
    assert "most sensitive to" in w.result.value and "switching values" in w.result.value


def test_a_model_error_is_shown_as_a_problem():
    def broken(cost=1.0):
        return float("inf") if cost > 5 else cost

    w = what_if(broken)
    w.inputs["cost"].value = 10
    assert 'role="alert"' in w.result.value and "There is a problem" in w.result.value


def test_docstring_example():
    assert doctest.testmod(whatif_module).failed == 0
