"""Learners' own files: read when right, and each fault explained in plain English."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from course.datasets import DataFileError, generate, load_user_file
from course.exceptions import CourseError

COLS = ["opened_date", "team", "balance_gbp", "repayment_plan", "days_to_first_contact"]


def csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_round_trip_of_a_generated_dataset_as_csv(tmp_path):
    original = generate("debt_recovery", rows=300, seed=3)
    path = tmp_path / "debts.csv"
    original.to_csv(path, index=False)
    loaded = load_user_file(path, schema="debt_recovery")
    assert list(loaded.columns) == list(original.columns) and len(loaded) == 300
    assert loaded["balance_gbp"].to_numpy() == pytest.approx(original["balance_gbp"].to_numpy())
    assert (loaded["opened_date"] == original["opened_date"]).all()
    assert loaded["write_off_reason"].isna().sum() == original["write_off_reason"].isna().sum()
    assert loaded["repayment_plan"].tolist() == original["repayment_plan"].tolist()


def test_excel_file_from_bytes():
    frame = generate("passport_applications", rows=50, seed=1)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    loaded = load_user_file(buffer.getvalue(), schema="passport_applications", filename="apps.xlsx")
    assert len(loaded) == 50 and loaded["processing_days"].tolist() == frame["processing_days"].tolist()


def test_only_the_columns_asked_for_are_checked_and_extras_kept():
    data = csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact,notes\n"
               "2024-01-02,A,\"1,200.50\",yes,3,hello\n")
    frame = load_user_file(data, schema="debt_recovery", columns=COLS)
    assert frame.loc[0, "balance_gbp"] == 1200.5 and bool(frame.loc[0, "repayment_plan"]) is True
    assert frame.loc[0, "notes"] == "hello"


def test_uk_dates_are_read_day_first():
    data = csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n"
               "2024-04-02,A,1,no,1\n02/04/2024,A,1,no,1\n31/03/2024 14:30,A,1,no,1\n")
    dates = load_user_file(data, schema="debt_recovery", columns=COLS)["opened_date"]
    assert dates.tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-04-02"), pd.Timestamp("2024-03-31 14:30")]


def test_excel_utf8_bom_is_accepted():
    data = "\ufeffopened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,5,no,1\n"
    assert len(load_user_file(data.encode("utf-8"), schema="debt_recovery", columns=COLS)) == 1


@pytest.mark.parametrize(
    "data,message,column,row",
    [
        (b"", "The file is empty: it has no header row and no data", None, None),
        (b"  \n\n", "The file is empty", None, None),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n"),
         "The file has column headings but no rows of data", None, None),
        (csv("opened_date,team,repayment_plan,days_to_first_contact\n2024-01-02,A,yes,3\n"),
         "The file is missing column 'balance_gbp', which the Debt recovery portfolio data needs. "
         "Columns found: 'opened_date', 'team', 'repayment_plan', 'days_to_first_contact'", "balance_gbp", None),
        (csv("opened_date,team\n2024-01-02,A\n"), "missing column 'balance_gbp' \\(and 2 more: repayment_plan, "
         "days_to_first_contact\\)", "balance_gbp", None),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n"
             "2024-01-02,A,100,yes,3\n2024-01-03,B,abc,no,4\n"),
         "Wrong type in column 'balance_gbp' at row 3 \\(value 'abc'\\): expected a number", "balance_gbp", 3),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,100,yes,2.5\n"),
         "Wrong type in column 'days_to_first_contact' at row 2 \\(value '2.5'\\): expected a whole number",
         "days_to_first_contact", 2),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-13-45,A,100,yes,2\n"),
         "Wrong type in column 'opened_date' at row 2 \\(value '2024-13-45'\\): expected a date", "opened_date", 2),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,100,maybe,2\n"),
         "Wrong type in column 'repayment_plan' at row 2 \\(value 'maybe'\\): expected true or false",
         "repayment_plan", 2),
        (csv("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,,100,yes,2\n"),
         "Column 'team' is blank at row 2: every row needs a value", "team", 2),
        (csv("opened_date,team,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,B,1,yes,2\n"),
         "The file has the column heading 'team' 2 times: each heading must appear once", "team", None),
        ("opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,Équipe,1,yes,2\n"
         .encode("cp1252"),
         "The file is not saved as UTF-8 text: byte 0xC9 at position 77 \\(line 2\\) cannot be read. "
         "In Excel choose File > Save As > 'CSV UTF-8", None, None),
        (b"\xd0\xcf\x11\xe0rest-of-an-old-workbook", "old-style .xls workbook", None, None),
        (b"PK\x03\x04not-really-a-workbook", "could not be read as an Excel workbook", None, None),
    ],
)
def test_each_fault_is_explained(data, message, column, row):
    with pytest.raises(DataFileError, match=message) as info:
        load_user_file(data, schema="debt_recovery", columns=COLS)
    assert isinstance(info.value, CourseError)
    assert (info.value.column, info.value.row) == (column, row)


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="There is no file called 'mine.csv'"):
        load_user_file(tmp_path / "mine.csv", schema="debt_recovery")


def test_unknown_column_requested():
    with pytest.raises(DataFileError, match="'colour' is not a column of the Debt recovery portfolio data dictionary"):
        load_user_file(csv("a\n1\n"), schema="debt_recovery", columns=["colour"])


def test_file_name_is_used_in_messages():
    with pytest.raises(DataFileError, match="'mine.csv' is empty"):
        load_user_file(b"", schema="debt_recovery", filename="mine.csv")


def test_upload_widget_reports_into_a_live_region():
    from course.datasets import upload_widget

    got: list[pd.DataFrame] = []
    w = upload_widget("debt_recovery", columns=COLS, on_load=got.append)
    assert "<strong>Upload your own debt recovery portfolio data" in w.label.value
    assert w.upload.tooltip.startswith("Upload your own debt recovery portfolio data")
    assert w.upload.accept == ".csv,.xlsx" and w.upload.description == "Choose file"
    assert 'aria-live="polite"' in w.message.value and "stays on this computer" in w.message.value
    w.load(b"opened_date,team\n2024-01-02,A\n", "mine.csv")
    assert 'role="alert"' in w.message.value and 'aria-live="assertive"' in w.message.value
    assert "There is a problem" in w.message.value and "missing column &#x27;balance_gbp&#x27;" in w.message.value
    assert w.frame is None and not got
    w._changed({"new": ({"name": "ok.csv", "content": memoryview(
        b"opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,5,no,1\n")},)})
    assert "Loaded 1 rows from ok.csv" in w.message.value and len(got) == 1 and w.frame is not None
