"""The Voila dashboards: course.pages rendered in the app's kernel for this server's viewer,
on the hand-worked cohort (tests/tracking/conftest.py). The figures themselves are tested in
tests/pages; here: the viewer comes from the settings, links point at the notebooks, CSVs are
data: links, and what people typed stays text."""

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

from course.apps.dashboards import page, show
from course.config import Settings
from course.pages.charts import Bar, bar_chart, csv_text
from course.tracking.db import make_engine
from course.tracking.models import Department, Learner
from course.tracking.scope import Viewer
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
    for href in re.findall(r'href="(data:text/csv[^"]*)"', html):
        text = unquote(unescape(href).split(",", 1)[1])
        found[len(found)] = pd.read_csv(io.StringIO(text))
    return found


def test_the_team_page_in_voila_links_to_notebooks_and_downloads_as_data(store, tmp_path):
    html = page(viewer_settings(store, tmp_path), "team", Viewer.line_manager("M1"), as_of=AS_OF)
    assert "<h1>My team</h1>" in html and 'href="home.ipynb"' in html
    assert 'href="team.ipynb?sort=qualification&amp;order=asc"' in html
    (team,) = csv_links(html).values()
    assert set(team["learner_id"]) == {"A1", "A2", "A3", "A4", "A5", "C1"}
    assert html.startswith("<style>") and "<main" not in html  # Voila's template has the main


def test_the_home_in_voila_lists_this_servers_other_dashboards(store, tmp_path):
    html = page(viewer_settings(store, tmp_path), "home", Viewer.learner("A4"), as_of=AS_OF)
    assert 'href="progress.ipynb"' in html and 'href="team.ipynb"' in html
    s = viewer_settings(store, tmp_path, line_manager="", profession_viewer=False,
                        department="")
    assert 'href="team.ipynb"' not in page(s, "home", Viewer.learner("A4"), as_of=AS_OF)


def test_a_dashboard_the_server_does_not_offer_is_refused(store, tmp_path, monkeypatch, capsys):
    shown = []
    monkeypatch.setattr("course.apps.dashboards.display", lambda h: shown.append(h.data))
    monkeypatch.setattr("course.apps.dashboards.Settings",
                        lambda: viewer_settings(store, tmp_path, line_manager=""))
    show("line_manager")
    assert "Dashboard not available" in shown[0] and "Learner" not in shown[0]


def test_names_typed_by_people_are_escaped_in_pages_and_defused_in_csv(store, tmp_path):
    engine = make_engine(store)
    with Session(engine) as s, s.begin():
        s.execute(update(Learner).where(Learner.id == "A4").values(name=XSS))
        s.execute(update(Department).where(Department.id == "dwp").values(name="=HYPERLINK(1)"))
    engine.dispose()
    settings = viewer_settings(store, tmp_path)
    for name, viewer in (("progress", Viewer.learner("A4")), ("team", Viewer.line_manager("M1")),
                         ("department", Viewer.department("dwp"))):
        html = page(settings, name, viewer, as_of=AS_OF)
        assert XSS not in html and "<img" not in html
    html = page(settings, "team", Viewer.line_manager("M1"), as_of=AS_OF)
    assert "&lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;" in html
    (team,) = csv_links(html).values()
    assert XSS in team["name"].tolist()  # text, not markup: a CSV is not a page
    assert csv_text(pd.DataFrame({"name": ["=1+1", "-2", "ok"], "n": [-1, 2, 3]})).splitlines() == [
        "name,n", "'=1+1,-1", "'-2,2", "ok,3"]


def test_charts_label_every_bar_in_text_and_name_the_chart_by_its_caption():
    svg = bar_chart("c", [Bar("Started", 6, "6 (100%)"), Bar("Completed", 2, "2 (33%)")],
                    "Of 6 who started, 2 completed.")
    assert '<figcaption id="c-caption">Of 6 who started, 2 completed.</figcaption>' in svg
    assert 'role="img" aria-labelledby="c-caption"' in svg
    assert ">Started<" in svg and ">6 (100%)<" in svg and ">2 (33%)<" in svg
    assert "Nothing to show yet." in bar_chart("d", [], "Nothing.")
    long = bar_chart("e", [Bar("Personal and Professional Development in Operational Delivery "
                               "(Level 2)", 3, "3")], "Long labels wrap.")
    assert long.count("<tspan") == 3 and "…" not in long  # wrapped onto three lines, not cut
