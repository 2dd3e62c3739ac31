"""Each page's content as its reader gets it (render_page, no browser), who may open which,
the 400s for filters that make no sense, and CSV downloads."""

from __future__ import annotations

import io
import re
from datetime import datetime
from html import unescape

import pandas as pd
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from course.pages import render_page
from course.pages.ukformat import duration, uk_datetime
from course.tracking.db import make_engine
from course.tracking.ingest import record_result
from course.tracking.models import Learner
from course.tracking.scope import Viewer
from tests.pages.app import links_for
from tests.pages.conftest import AS_OF, MISTAKE_1, PRIYA

ME, BOSS = Viewer.learner(PRIYA), Viewer.line_manager("M1")
DWP, EVERYONE = Viewer.department("dwp"), Viewer.profession()
LINKS = links_for("/as/x/y")


def text(html: str) -> str:
    """The page as words: tags out, entities decoded, spaces collapsed."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong)\b[^>]*>", "", html)  # inline: no break in the words
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def render(session, course, name, viewer, **query):
    return render_page(name, session, course, viewer, {k: [v] for k, v in query.items()},
                       LINKS, as_of=AS_OF)


def test_my_progress_reads_each_unit_as_she_stands(session, course):
    page = render(session, course, "progress", ME)
    assert page.status == 200 and "<title>My progress – ODP course</title>" in page.html
    words = text(page.html)
    assert "Priya Patel: Level 2 Certificate in Principles of Operational Delivery" in words
    assert "Status: Passed at attempt 2." in words
    assert "Attempt 1 10 February 2025 at 2:30pm 6 out of 10 (60%) 6 out of 10 (60%) not passed" in words
    assert "Status: Test submitted: awaiting your result." in words
    assert "8 out of 10 (80%) awaiting result awaiting result not yet" in words
    assert ("Status: Not yet passed: resit available from 3 April 2025 (2 attempts left)."
            in words)
    assert "Unit 202: Principles of customer service in operational delivery Status: Not started." in words
    assert f"Topics to revise (what your wrong answers suggest you may believe): {MISTAKE_1}" in words
    assert "Practice: 2 of 38 questions done." in words  # two distinct questions answered
    # Unit 202 has its app now: starting it comes before waiting for 208's resit to open.
    assert "Your next step: Start Unit 202" in words
    assert 'href="/feedback/working-in-od/2"' in page.html
    # The CPD log: the newest version of the entry, and that the older one is kept.
    assert "Read it and talked it through with Gareth" in words and "2 versions kept" in words
    assert "cohort" not in words.lower() and "Of 1 learner" not in words


def test_a_result_arriving_changes_the_status_and_opens_a_resit(store, course):
    engine = make_engine(store)
    with Session(engine) as session, session.begin():
        record_result(session, PRIYA, "data-security", 1, 5, 10, False, datetime(2025, 3, 30, 9))
    with Session(engine) as session:
        words = text(render(session, course, "progress", ME).html)
    engine.dispose()
    assert "8 out of 10 (80%) 5 out of 10 (50%) not passed Feedback on attempt 1" in words
    assert "Not yet passed: resit available from 6 April 2025 (2 attempts left)" in words


def test_my_team_has_his_team_only_one_row_each(session, course):
    page = render(session, course, "team", BOSS)
    words = text(page.html)
    assert page.title == "My team" and "<title>My team – ODP course</title>" in page.html
    assert "Gareth Evans, these are the 7 people who report to you" in words
    for name in ("Priya Patel", "Learner A1", "Learner C1"):
        assert name in words
    assert "Learner B1" not in words and "Learner F1" not in words  # M2's; not started
    assert ("Priya Patel Level 2 Certificate in Principles of Operational Delivery (Level 2) "
            "1 of 4") in words
    assert "Start unit 202" in words
    assert "Learner A4" in words and "Yes: past planned end date" in words


def test_the_team_table_sorts_with_plain_links(session, course):
    by_risk = render(session, course, "team", BOSS, sort="risk", order="desc")
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', by_risk.html)
    assert rows[0] in ("Learner A4", "Learner C1") and rows[-1] != rows[0]
    assert 'aria-sort="descending"' in by_risk.html
    assert 'href="/as/x/y/team?sort=name&amp;order=asc"' in by_risk.html
    bad = render(session, course, "team", BOSS, sort="salary")
    assert bad.status == 400 and "“salary” is not a column" in text(bad.html)


@pytest.mark.parametrize("name, viewer", [
    ("team", ME), ("department", ME), ("profession", BOSS), ("progress", BOSS),
    ("team.csv", ME), ("profession", DWP),
])
def test_a_page_not_for_the_viewer_is_refused(session, course, name, viewer):
    page = render(session, course, name, viewer)
    assert page.status == 403 and page.csv is None
    assert "is not available to you" in text(page.html)
    assert "Learner" not in text(page.html)


@pytest.mark.parametrize("query, message", [
    ({"level": "9"}, "The level “9” is not one of the profession's levels"),
    ({"qualification": "syn-l2-extra-25"}, "“syn-l2-extra-25” is not a qualification"),
    ({"department": "mod"}, "“mod” is not a department in the tracking store"),
    ({"team": "M404"}, "“M404” is not a team you can see"),
    ({"from": "31/01/2025"}, "The from date “31/01/2025” is not a date"),
    ({"from": "2025-02-01", "to": "2025-01-01"}, "is after the to date"),
    ({"colour": "red"}, "“colour” is not a filter on this page"),
])
def test_bad_filters_get_a_400_that_says_why(session, course, query, message):
    page = render(session, course, "profession", EVERYONE, **query)
    assert page.status == 400
    assert message in text(page.html)


def test_a_department_cannot_filter_its_way_into_another(session, course):
    page = render(session, course, "department", DWP, department="hmrc")
    assert page.status == 400 and "your own department only" in text(page.html)
    page = render(session, course, "department", DWP, team="M2")  # M2's team is in HMRC
    assert page.status == 400


def test_a_filter_narrows_the_figures_and_the_trend_table(session, course):
    everyone = text(render(session, course, "profession", EVERYONE).html)
    level3 = text(render(session, course, "profession", EVERYONE, level="3").html)
    assert "Learners who started 11" in everyone and "Learners who started 5" in level3
    assert "Filtered: Level 3." in level3
    # The trend table, a month as a row.
    assert "March 2025 1 0 1 0 0% nobody completed" in everyone  # B4 in; Priya 208 failed
    dept = render(session, course, "department", DWP, team="M1")
    assert dept.status == 200 and "the team of Gareth Evans" in text(dept.html)


def test_the_profession_page_compares_with_the_programme_anchor(session, course):
    words = text(render(session, course, "profession", EVERYONE).html)
    assert "First-time pass rate 45% 22 points below the programme's 67% first-time pass rate" \
        in words
    assert "By department" in words and "Department for Work and Pensions" in words
    assert "Median time to complete 10 months" in words


def test_csv_downloads_defuse_formulas(store, course):
    engine = make_engine(store)
    with Session(engine) as session, session.begin():
        session.execute(update(Learner).where(Learner.id == "A1")
                        .values(name="=HYPERLINK(\"http://x\",\"y\")"))
    with Session(engine) as session:
        team = render(session, course, "team.csv", BOSS)
        prof = render(session, course, "profession.csv", EVERYONE)
    engine.dispose()
    assert team.filename == "my-team.csv" and team.content_type.startswith("text/csv")
    frame = pd.read_csv(io.StringIO(team.csv))
    assert "'=HYPERLINK(\"http://x\",\"y\")" in set(frame["name"])
    assert set(frame["name"]) >= {"Priya Patel"} and "Learner B1" not in set(frame["name"])
    long = pd.read_csv(io.StringIO(prof.csv))
    assert set(long.columns) == {"figure", "group", "measure", "value"}
    assert {"trend_by_month", "by_department", "funnel", "at_risk"} <= set(long["figure"])


def test_home_shows_her_pathway_and_the_catalogue(session, course):
    page = render(session, course, "home", ME)
    words = text(page.html)
    assert "<title>Course home – ODP course</title>" in page.html
    assert "You are studying the Level 2 Certificate in Principles of Operational Delivery" in words
    assert "Unit 207: Principles of protecting data security in own area of responsibility: " \
           "Test submitted: awaiting your result" in words
    assert "All courses by level" in words and 'href="/units/working-in-od"' in page.html
    assert render(session, course, "home", BOSS).status == 200  # everyone has a home


def test_every_page_is_a_whole_document(session, course):
    for name, viewer in (("home", ME), ("progress", ME), ("team", BOSS),
                         ("department", DWP), ("profession", EVERYONE)):
        html = render(session, course, name, viewer).html
        assert html.startswith('<!DOCTYPE html><html lang="en-GB">')
        assert html.count("<main") == 1 and 'href="#odp-main"' in html
        assert ":focus-visible" in html  # the course CSS is inline


def test_uk_dates_times_and_durations():
    assert uk_datetime(datetime(2025, 3, 28, 14, 30)) == "28 March 2025 at 2:30pm"  # GMT
    assert uk_datetime(datetime(2025, 3, 31, 8, 5)) == "31 March 2025 at 9:05am"  # BST
    assert uk_datetime(datetime(2025, 10, 25, 23, 30)) == "26 October 2025 at 12:30am"
    assert duration(396.5) == "13 months" and duration(20) == "3 weeks"
    assert duration(1) == "1 day"


def test_warming_works_out_the_figures_before_the_first_reader(session, course, monkeypatch):
    from course.pages import cache, overview

    cache.figures.clear()
    overview.warm(session, EVERYONE, as_of=AS_OF)
    calls = []
    monkeypatch.setattr(overview, "compute", lambda *a: calls.append(a))
    page = render(session, course, "profession", EVERYONE)
    assert page.status == 200 and calls == []  # served from the warmed figures
    assert "Learners who started 11" in text(page.html)
    cache.figures.clear()


def test_figures_worked_out_before_a_publish_are_not_kept_after_it(session, monkeypatch):
    """A result published (or withdrawn) while the timer is working the figures out clears the
    cache; the timer's figures, from the store as it was, must not then be stored over it."""
    from course.pages import cache, overview

    cache.figures.clear()
    real = overview.compute

    def publish_meanwhile(*args):
        figures = real(*args)
        cache.figures.clear()  # what the results handler does after its commit
        return figures

    monkeypatch.setattr(overview, "compute", publish_meanwhile)
    overview.warm(session, EVERYONE, as_of=AS_OF)
    assert len(cache.figures._entries) == 0
    monkeypatch.setattr(overview, "compute", real)
    overview.warm(session, EVERYONE, as_of=AS_OF)  # the next round stores as usual
    assert len(cache.figures._entries) == 1
    cache.figures.clear()


def test_the_service_works_the_dashboards_out_on_a_timer_off_its_event_loop(pages_url, course, monkeypatch):
    """The course service's timer (a tornado PeriodicCallback) works out today's department
    and profession figures in a thread of its own, again each time it comes round: the first
    reader then computes nothing."""
    import asyncio
    import threading
    from datetime import date

    from course.pages import cache, overview
    from course.service.app import DashboardWarmer

    cache.figures.clear()
    engine = make_engine(pages_url)
    threads: list[str] = []
    real = overview.compute
    monkeypatch.setattr(overview, "compute",
                        lambda *a: (threads.append(threading.current_thread().name), real(*a))[1])

    async def run() -> str:
        warmer = DashboardWarmer(lambda: Session(engine), every=0.2).start()
        try:
            while warmer.runs < 2:  # the timer came round again
                await asyncio.sleep(0.05)
        finally:
            warmer.stop(wait=True)  # and the run under way, before compute is replaced below
        return threading.current_thread().name

    loop_thread = asyncio.run(asyncio.wait_for(run(), 300))
    assert threads and loop_thread not in threads
    assert all(t.startswith("odp-warm") for t in threads), threads
    calls = []
    monkeypatch.setattr(overview, "compute", lambda *a: calls.append(a))
    with Session(engine) as session:
        for name, viewer in (("profession", EVERYONE), ("department", DWP)):
            page = render_page(name, session, course, viewer, {}, LINKS, as_of=date.today())
            assert page.status == 200 and calls == [], name
    cache.figures.clear()
    engine.dispose()
