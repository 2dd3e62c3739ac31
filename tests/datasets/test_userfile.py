"""Learners' own files: read when right, and each fault explained in plain English."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from course.datasets import DataFileError, generate, load_user_file
from course.exceptions import CourseError

COLS = ["opened_date", "team", "balance_gbp", "repayment_plan", "days_to_first_contact"]
HEAD = "opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n"


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


def test_upload_widget_reports_into_a_live_region(tmp_path):
    from course.datasets import upload_widget

    got: list[pd.DataFrame] = []
    w = upload_widget("debt_recovery", columns=COLS, on_load=got.append, folder=tmp_path)
    assert w.upload.label.startswith("Upload your own debt recovery portfolio data (CSV UTF-8 or .xlsx, up to 10.4 MB)")
    assert w.upload.accept == ".csv,.xlsx" and w.upload.limit_bytes == 10 * 1024 * 1024 - 64 * 1024
    assert 'aria-live="polite"' in w.message.value and "stays on this computer" in w.message.value
    w.load(b"opened_date,team\n2024-01-02,A\n", "mine.csv")
    assert 'role="alert"' in w.message.value and 'aria-live="assertive"' in w.message.value
    assert "There is a problem" in w.message.value and "missing column &#x27;balance_gbp&#x27;" in w.message.value
    assert w.frame is None and not got
    # the browser sends a file that fits as one message with its bytes
    w.upload._handle_custom_msg({"event": "file", "name": "ok.csv", "size": 90}, [memoryview(
        b"opened_date,team,balance_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,5,no,1\n")])
    assert "Loaded 1 rows from ok.csv" in w.message.value and len(got) == 1 and w.frame is not None


def test_a_file_too_big_to_upload_gets_its_size_and_the_path_that_works(tmp_path):
    from course.datasets import upload_widget

    got: list[pd.DataFrame] = []
    w = upload_widget("debt_recovery", columns=COLS, on_load=got.append, folder=tmp_path)
    # the browser checked the size and sent only the name and size (Tornado drops messages over 10 MiB)
    w.upload._handle_custom_msg({"event": "too_big", "name": "debts.csv", "size": 51_234_567}, [])
    assert ("debts.csv is 51.2 MB, more than the 10.4 MB the app can receive in one upload. Copy the file into "
            f"your folder ({tmp_path})") in w.message.value.replace("&#x27;", "'")
    assert f"load_user_file('{tmp_path / 'debts.csv'}', schema='debt_recovery')" in w.message.value.replace("&#x27;", "'")
    big = generate("debt_recovery", rows=20_000, seed=2)
    big.to_csv(tmp_path / "debts.csv", index=False)
    w.refresh_files()
    assert w.files.options[1][1] == "debts.csv" and w.files.options[1][0].startswith("debts.csv (")
    w.files.value = "debts.csv"
    w.load_button.click()
    assert "Loaded 20,000 rows from debts.csv" in w.message.value and len(got[0]) == 20_000


def test_upload_widget_asks_the_date_order_and_reads_again(tmp_path):
    from course.datasets import upload_widget

    got: list[pd.DataFrame] = []
    w = upload_widget("debt_recovery", columns=COLS, on_load=got.append, folder=tmp_path)
    w.load(csv(HEAD + "02/04/2024,A,1,no,1\n"), "dates.csv")
    assert w.date_order.layout.display == "flex" and "could be day first or month first" in w.message.value
    w.date_order.value = False  # month first
    assert w.date_order.layout.display == "none" and w.date_order.value is None
    assert got[0]["opened_date"].tolist() == [pd.Timestamp("2024-02-04")]



def test_us_dates_are_read_month_first_for_the_whole_column():
    """The issue's file: 2,000 dates in mm/dd/yyyy loaded with 722 day/month swapped. Now none is."""
    opened = generate("debt_recovery", rows=2000, seed=5)["opened_date"].dt.normalize()
    text = HEAD + "".join(f"{d:%m/%d/%Y},A,1,no,1\n" for d in opened)
    loaded = load_user_file(csv(text), schema="debt_recovery", columns=COLS)["opened_date"]
    ambiguous = int(((opened.dt.day <= 12) & (opened.dt.day != opened.dt.month)).sum())
    assert ambiguous > 500  # the rows an unchecked day-first reading would have swapped
    assert (loaded == opened).all()


def test_uk_dates_with_one_unambiguous_value_settle_the_column():
    loaded = load_user_file(csv(HEAD + "02/04/2024,A,1,no,1\n13/04/2024,A,1,no,1\n"), schema="debt_recovery",
                            columns=COLS)["opened_date"]
    assert loaded.tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-04-13")]


def test_ambiguous_dates_ask_the_learner_and_dayfirst_answers():
    data = csv(HEAD + "2024-04-02,A,1,no,1\n02/04/2024,A,1,no,1\n05/06/24,A,1,no,1\n")
    with pytest.raises(DataFileError, match="The dates in column 'opened_date' could be day first or month first: "
                       "nothing in the file settles it \\(row 3, '02/04/2024', is 2 April read the UK way or "
                       "4 February read the US way\\). Say which: dayfirst=True") as info:
        load_user_file(data, schema="debt_recovery", columns=COLS)
    assert (info.value.column, info.value.row) == ("opened_date", 3)
    uk = load_user_file(data, schema="debt_recovery", columns=COLS, dayfirst=True)["opened_date"]
    us = load_user_file(data, schema="debt_recovery", columns=COLS, dayfirst=False)["opened_date"]
    assert uk.tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-04-02"), pd.Timestamp("2024-06-05")]
    assert us.tolist() == [pd.Timestamp("2024-04-02"), pd.Timestamp("2024-02-04"), pd.Timestamp("2024-05-06")]


def test_a_column_mixing_day_first_and_month_first_is_refused():
    data = csv(HEAD + "31/03/2024,A,1,no,1\n03/31/2024,A,1,no,1\n")
    with pytest.raises(DataFileError, match="Column 'opened_date' mixes two date orders: row 2 \\('31/03/2024'\\) "
                       "can only be day first and row 3 \\('03/31/2024'\\) can only be month first") as info:
        load_user_file(data, schema="debt_recovery", columns=COLS)
    assert info.value.row == 3


def test_dayfirst_that_contradicts_the_file_is_refused():
    with pytest.raises(DataFileError, match="was to be read day first \\(dayfirst=True\\), but row 2 "
                       "\\('03/31/2024'\\) can only be month first"):
        load_user_file(csv(HEAD + "03/31/2024,A,1,no,1\n"), schema="debt_recovery", columns=COLS, dayfirst=True)


def test_year_first_slashes_and_dates_in_words():
    data = csv(HEAD + "2024/04/02,A,1,no,1\n2 April 2024,A,1,no,1\n")
    assert load_user_file(data, schema="debt_recovery", columns=COLS)["opened_date"].tolist() == [
        pd.Timestamp("2024-04-02")] * 2


def test_rows_are_named_as_the_spreadsheet_shows_them_after_blank_rows():
    # row 1 blank, header in row 2, data in 3, blank rows 4-5, the fault in row 6
    data = csv("\n" + HEAD + "2024-01-02,A,100,yes,3\n\n,,,,\n2024-01-03,B,abc,no,4\n")
    with pytest.raises(DataFileError, match="Wrong type in column 'balance_gbp' at row 6 \\(value 'abc'\\)") as info:
        load_user_file(data, schema="debt_recovery", columns=COLS)
    assert info.value.row == 6


def test_excel_rows_are_named_as_excel_shows_them(tmp_path):
    frame = pd.DataFrame({"opened_date": ["2024-01-02", None, "2024-01-04"], "team": ["A", None, ""],
                          "balance_gbp": [1, None, 2], "repayment_plan": ["no", None, "no"],
                          "days_to_first_contact": [1, None, 2]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, startrow=2)  # two blank rows above the header (row 3)
    with pytest.raises(DataFileError, match="Column 'team' is blank at row 6") as info:
        load_user_file(buffer.getvalue(), schema="debt_recovery", columns=COLS, filename="debts.xlsx")
    assert info.value.row == 6


def test_misspelt_headings_get_did_you_mean():
    data = csv("Opened Date,team,balnce_gbp,repayment_plan,days_to_first_contact\n2024-01-02,A,1,no,1\n")
    with pytest.raises(DataFileError, match="missing column 'opened_date' \\(and 1 more: balance_gbp\\).*"
                       "Did you mean 'Opened Date' for 'opened_date'; 'balnce_gbp' for 'balance_gbp'\\? "
                       "Rename the heading in row 1 to match"):
        load_user_file(data, schema="debt_recovery", columns=COLS)
    with pytest.raises(DataFileError) as info:
        load_user_file(csv("opened_date,colour\n2024-01-02,A\n"), schema="debt_recovery", columns=COLS)
    assert "Did you mean" not in str(info.value)


def test_own_data_in_the_app_asks_the_page_to_run_again_and_in_jupyterlab_says_rerun(monkeypatch):
    from course.datasets.upload import OwnDataLoader

    saved = []
    content = generate("debt_recovery", rows=200, seed=3).to_csv(index=False).encode()
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    lab = OwnDataLoader("debt_recovery", lambda c, f, s: saved.append((f, s)))
    lab.load(content, "ours.csv")
    assert "Run the cells below again" in lab.message.value and lab.upload.reload == 0
    monkeypatch.setenv("VOILA_PREHEAT", "False")   # what Voila gives each kernel it starts
    app = OwnDataLoader("debt_recovery", lambda c, f, s: saved.append((f, s)))
    app.load(content, "ours.csv")
    assert 'role="status"' in app.message.value and "Redrawing your charts and tables" in app.message.value
    assert app.upload.reload == 1 and saved == [("ours.csv", "file")] * 2
