"""The dashboard pages on the hand-worked cohort (tests/tracking/conftest.py): every figure
in words, tables and CSV, for each viewer the server offers, and nothing beyond their scope."""

from __future__ import annotations

import io
import re
import shutil
from html import unescape
from urllib.parse import unquote

import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from course.pages.charts import Bar, bar_chart, csv_text
from course.apps.dashboards import page
from course.config import Settings
from course.tracking.db import make_engine
from course.tracking.models import Department, Learner
from tests.conftest import REPO
from tests.tracking.conftest import AS_OF, cohort_url  # noqa: F401  (the hand-worked cohort)

XSS = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def store(cohort_url, tmp_path) -> str:
    """A private copy of the cohort store (pages bring records in, so they may write)."""
    source = cohort_url.removeprefix("sqlite:///")
    shutil.copyfile(source, tmp_path / "odp.sqlite")
    return f"sqlite:///{tmp_path / 'odp.sqlite'}"


def viewer_settings(store: str, tmp_path, **kw) -> Settings:
    given = dict(content_root=REPO, data_dir=tmp_path / "data", database_url=store,
                 learner="A4", line_manager="M1", department="dwp", profession_viewer=True)
    return Settings(**{**given, **kw})


def csv_links(html: str) -> dict[str, pd.DataFrame]:
    found = {}
    for href, name in re.findall(r'href="(data:text/csv[^"]*)" download="([^"]+)"', html):
        text = unquote(unescape(href).split(",", 1)[1])
        found[name] = pd.read_csv(io.StringIO(text))
    return found


def test_my_progress_shows_my_units_and_my_figures_only(store, tmp_path):
    html = page(viewer_settings(store, tmp_path), "learner", as_of=AS_OF)
    assert "<h1>My progress</h1>" in html and "Your own figures, Learner A4." in html
    assert "passed at a resit" in html and "in progress" in html  # u301, u302
    assert ("Of 1 learner who started, 0 (0%) have completed and 1 (100%) were active in the "
            "last 4 weeks") in html
    assert "0% of first attempts passed (0 of 1)." in html
    assert "1 of 1 learner on programme (100%) at risk" in html
    csvs = csv_links(html)
    assert set(csvs["my-units.csv"]["unit_id"]) == {"u301", "u302"}
    assert set(csvs["learners-at-risk.csv"]["learner_id"]) == {"A4"}


def test_my_team_states_every_figure_for_the_team(store, tmp_path):
    html = page(viewer_settings(store, tmp_path), "line_manager", as_of=AS_OF)
    for finding in [
        "Of 6 learners who started, 2 (33%) have completed and 3 (50%) were active in the last "
        "4 weeks; 4 have submitted a test or assignment and 4 have passed at least one unit.",
        "Of 6 learners: 3 on programme, 2 completed and 1 withdrawn.",
        "67% of first attempts passed (4 of 6). Highest: Level 2 Certificate in Principles of "
        "Operational Delivery (Level 2) (75%); lowest: Level 3 Certificate in Operational "
        "Delivery Principles (Level 3) (50%).",
        "Half of the 2 learners who completed took 296.5 days or fewer (median; about 10 months).",
        "1 of 3 learners on programme (33%) at risk: 0 with no activity in the last 4 weeks and "
        "1 past their planned end date.",
    ]:
        assert finding in html, finding
    assert "Learner A4" in html and "Learner B2" not in html  # B2 is in M2's team
    csvs = csv_links(html)
    everything = csvs["line_manager-dashboard.csv"]
    total = everything[(everything.figure == "funnel") & (everything.qualification_id == "all")]
    assert dict(zip(total.measure, total.value)) == {
        "started": 6, "active": 3, "submitted": 4, "passed": 4, "completed": 2}
    assert csvs["funnel.csv"].iloc[-1].tolist()[2:] == [6, 3, 4, 4, 2]
    assert set(csvs["learners-at-risk.csv"]["learner_id"]) == {"A4"}


def test_department_and_profession_pages(store, tmp_path):
    dwp = page(viewer_settings(store, tmp_path), "department", as_of=AS_OF)
    assert "<h1>My department: Department for Work and Pensions</h1>" in dwp
    assert "Of 5 learners: 2 on programme, 2 completed and 1 withdrawn." in dwp
    everyone = page(viewer_settings(store, tmp_path), "profession", as_of=AS_OF)
    assert "Of 10 learners: 6 on programme, 3 completed and 1 withdrawn." in everyone
    assert "56% of first attempts passed (5 of 9)." in everyone
    assert set(csv_links(everyone)["learners-at-risk.csv"]["learner_id"]) == {"A4", "B2", "B3"}


def test_a_dashboard_the_server_does_not_offer_is_refused(store, tmp_path):
    s = viewer_settings(store, tmp_path, line_manager="", profession_viewer=False)
    for role in ("line_manager", "profession"):
        html = page(s, role, as_of=AS_OF)
        assert "Dashboard not available" in html and "Learner" not in html
    nav = page(s, "learner", as_of=AS_OF)
    assert 'href="team.ipynb"' not in nav and 'href="department.ipynb"' in nav


def test_names_typed_by_people_are_escaped_in_pages_and_defused_in_csv(store, tmp_path):
    engine = make_engine(store)
    with Session(engine) as s, s.begin():
        s.execute(update(Learner).where(Learner.id == "A4").values(name=XSS))
        s.execute(update(Department).where(Department.id == "dwp").values(name="=HYPERLINK(1)"))
    engine.dispose()
    settings = viewer_settings(store, tmp_path)
    for role in ("learner", "line_manager", "department"):
        html = page(settings, role, as_of=AS_OF)
        assert XSS not in html and "<img" not in html
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in page(settings, "line_manager",
                                                                           as_of=AS_OF)
    risk = csv_links(page(settings, "line_manager", as_of=AS_OF))["learners-at-risk.csv"]
    assert risk["name"].tolist() == [XSS]  # text, not markup: a CSV is not a page
    assert csv_text(pd.DataFrame({"name": ["=1+1", "-2", "ok"], "n": [-1, 2, 3]})).splitlines() == [
        "name,n", "'=1+1,-1", "'-2,2", "ok,3"]


def test_charts_label_every_bar_in_text_and_name_the_chart_by_its_caption():
    svg = bar_chart("c", [Bar("Started", 6, "6 (100%)"), Bar("Completed", 2, "2 (33%)")],
                    "Of 6 who started, 2 completed.")
    assert '<figcaption id="c-caption">Of 6 who started, 2 completed.</figcaption>' in svg
    assert 'role="img" aria-labelledby="c-caption"' in svg
    assert ">Started<" in svg and ">6 (100%)<" in svg and ">2 (33%)<" in svg
    assert "Nothing to show yet." in bar_chart("d", [], "Nothing.")
