"""The marking app's page before its first view: the course content read once per kernel (ahead
of the request in a preheated kernel) and again when it changes, and the gradebook read after
the cell has ended, with a clear message if it cannot be read."""

from __future__ import annotations

from pathlib import Path

import yaml

from course.content import load_course
from course.marking import app as marking_app
from course.marking.app import MarkingApp
from course.marking.book import MarkingBook
from course.marking.settings import MarkingSettings
from tests.conftest import REPO
from tests.grading.course_copy import make_copy

RISK = "level4/managing-risk/unit.yaml"


def test_the_course_content_is_read_once_and_again_when_a_unit_changes(tmp_path):
    root = make_copy(tmp_path).root
    first = marking_app.course_content(root)
    assert marking_app.course_content(root) is first
    path = root / RISK
    data = yaml.safe_load(path.read_text())
    data["assignment"]["tasks"][0]["criteria"][0]["text"] = "Explain what a risk owner is for"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    again = marking_app.course_content(root)
    assert again is not first
    assert again.units["managing-risk"].assignment.tasks[0].criteria[0].text == "Explain what a risk owner is for"


def test_the_page_shows_loading_then_the_submissions_or_says_the_gradebook_cannot_be_read(tmp_path):
    course = load_course(REPO, with_banks=False)
    settings = MarkingSettings(course_dir=tmp_path, assessor="assessor-a")
    empty = MarkingApp(MarkingBook(tmp_path, course=course, db_url=f"sqlite:///{tmp_path / 'gradebook.db'}"),
                       settings, load=False)
    assert empty.widget.view == {"seq": 1, "assessor": "assessor-a", "loading": True}
    empty.load()
    assert empty.widget.view["rows"] == [] and not empty.widget.view["error"] and "loading" not in empty.widget.view

    missing = Path(tmp_path / "no-such-folder" / "gradebook.db")
    broken = MarkingApp(MarkingBook(tmp_path, course=course, db_url=f"sqlite:///{missing}"), settings, load=False)
    broken.load()   # in the page's thread: it must not raise, the page must say so
    assert broken.widget.view["error"].startswith("The marking app could not read the gradebook.")
    assert broken.widget.view["rows"] == []
