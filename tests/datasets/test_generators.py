"""Generated datasets: deterministic, the size asked for, matching their data dictionary, calibrated."""

from __future__ import annotations

import pandas as pd
import pytest

from course.datasets import DataFileError, UnknownDatasetError, data_dictionaries_markdown, generate, names, schema
from course.datasets.debt_recovery import monthly_recoveries, portfolio_summary
from course.exceptions import CourseError
from tests.conftest import REPO

KIND = {
    "integer": pd.api.types.is_integer_dtype, "number": pd.api.types.is_float_dtype,
    "boolean": pd.api.types.is_bool_dtype, "date": pd.api.types.is_datetime64_any_dtype,
    "datetime": pd.api.types.is_datetime64_any_dtype,
    "category": lambda s: isinstance(s.dtype, pd.CategoricalDtype), "text": pd.api.types.is_string_dtype,
}


@pytest.fixture(scope="module")
def default_size() -> dict[str, pd.DataFrame]:
    return {name: generate(name) for name in names()}


def test_four_datasets():
    assert names() == ["benefit_claims", "contact_centre", "debt_recovery", "passport_applications"]


@pytest.mark.parametrize("name", names())
def test_same_seed_same_frame(name):
    pd.testing.assert_frame_equal(generate(name, rows=3_000, seed=5), generate(name, rows=3_000, seed=5))
    assert not generate(name, rows=3_000, seed=5).equals(generate(name, rows=3_000, seed=6))


@pytest.mark.parametrize("name", names())
@pytest.mark.parametrize("rows", [1, 997, 20_000])
def test_rows_asked_for(name, rows):
    assert len(generate(name, rows=rows, seed=1)) == rows


@pytest.mark.parametrize("name", names())
def test_columns_and_types_match_the_data_dictionary(name, default_size):
    frame, sch = default_size[name], schema(name)
    assert list(frame.columns) == sch.column_names
    assert len(frame) == 100_000
    for col in sch.columns:
        assert KIND[col.type](frame[col.name]), f"{name}.{col.name} is {frame[col.name].dtype}, not {col.type}"
        if col.required:
            assert frame[col.name].notna().all(), f"{name}.{col.name} has blanks but is required"
    assert sch.calibration and all(c.meaning for c in sch.columns)
    dd = sch.data_dictionary()
    assert list(dd.columns) == ["column", "type", "meaning", "unit", "blanks allowed"]
    assert "<caption>Data dictionary" in sch._repr_html_()


def test_passport_calibration(default_size):
    apps = default_size["passport_applications"]
    simple = apps[apps["straightforward"]]
    month = simple["received_date"].dt.month
    normal = simple[~month.isin([3, 4, 5])]["within_standard"].mean()
    spring = simple[month.isin([3, 4, 5])]["within_standard"].mean()
    assert 0.985 <= normal <= 0.995  # HMPO KPI 98.5% within 3 weeks
    assert spring < normal  # the spring peak strains the service
    volume = apps.groupby(apps["received_date"].dt.month).size()
    assert volume.idxmax() in (3, 4, 5) and volume.idxmin() == 12
    assert (apps["within_standard"] == (apps["processing_days"] <= 21)).all()
    assert (apps["delay_reason"].isna() == ~apps["needed_more_information"]).all()


def test_contact_centre_calibration(default_size):
    cc = default_size["contact_centre"]
    handled = cc["calls_handled"].sum() / cc["calls_offered"].sum()
    asa_minutes = (cc["asa_seconds"] * cc["calls_handled"]).sum() / cc["calls_handled"].sum() / 60
    over_10 = cc["calls_waited_over_10_min"].sum() / cc["calls_handled"].sum()
    assert handled == pytest.approx(0.664, abs=0.02)  # HMRC 2023-24: 66.4% handled
    assert asa_minutes == pytest.approx(23.1, abs=0.2)  # HMRC 2023-24: 23.1 minutes
    assert over_10 == pytest.approx(0.707, abs=0.03)  # HMRC 2023-24: 70.7% waited over 10 minutes
    assert (cc["calls_offered"] == cc["calls_handled"] + cc["calls_abandoned"]).all()
    per_interval = cc.groupby("interval_start")["calls_offered"].sum().mean()
    assert 3_000 < per_interval < 5_000  # ~38m calls a year


def test_benefit_claims_calibration(default_size):
    claims = default_size["benefit_claims"]
    assert claims["paid_on_time"].mean() == pytest.approx(0.89, abs=0.01)  # DWP UC 89% (2021)
    assert ((claims["payment_due_date"] - claims["claim_date"]).dt.days == 35).all()
    assert (claims["days_late"].eq(0) == claims["paid_on_time"]).all()


def test_debt_recovery_calibration(default_size):
    debts = default_size["debt_recovery"]
    total = debts["balance_gbp"].sum()
    assert total == pytest.approx(172.6e6, rel=0.05)  # LAA receivables, March 2024
    assert debts["due_within_12_months_gbp"].sum() / total == pytest.approx(51.1 / 172.6, abs=0.03)
    money = debts["recovered_to_date_gbp"] + debts["written_off_gbp"] + debts["balance_gbp"]
    assert money.to_numpy() == pytest.approx(debts["original_balance_gbp"].to_numpy(), abs=0.51)
    closed = debts["status"].isin(["Paid in full", "Written off"])
    assert (debts["closed_date"].notna() == closed).all()
    assert (debts["closed_date"].dropna() <= pd.Timestamp("2024-03-31")).all()
    rec = monthly_recoveries(debts)
    assert rec.sum() == pytest.approx(debts["recovered_to_date_gbp"].sum(), rel=1e-9)
    assert len(rec) == 60
    assert "Still owed (receivables)" in portfolio_summary(debts).index


@pytest.mark.parametrize("rows", [0, -5, 2.5, 3_000_000, True])
def test_bad_row_counts(rows):
    with pytest.raises(DataFileError, match="rows must be a whole number from 1 to 2,000,000"):
        generate("passport_applications", rows=rows)


def test_unknown_dataset():
    with pytest.raises(UnknownDatasetError, match="there is no dataset called 'passports'; choose one of benefit_claims") as info:
        generate("passports")
    assert isinstance(info.value, CourseError)


def test_docs_show_every_data_dictionary():
    docs = (REPO / "docs" / "analysis.md").read_text(encoding="utf-8")
    assert data_dictionaries_markdown() in docs, "docs/analysis.md is out of date: rebuild its data dictionaries"
