"""What a unit notebook calls: one line per thing shown.

    from course.notebook import open_unit
    unit = open_unit()                 # reads unit.yaml beside the notebook, opens your record
    unit.show_element("values")        # the five sections, its questions and scenarios
    unit.show_activity("cpd")          # CPD log, checklist or reflection

The page's home link is the course service's home: ``ODP_HOME_URL`` if set (``odp hub`` sets
the proxy's path to the service), else the root of the service the kernel talks to
(``ODP_SERVICE_URL``, under ``odp serve``), else the server's own ``/``.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from IPython.display import HTML, display

from course.content.loader import load
from course.content.model import Element, Question, Task, Unit
from course.exam import ITEMS_FILE, read_public_items
from course.exceptions import ContentError
from course.identity import current_learner
from course.record import ResponseRecord
from course.record.remote import ServiceRecord
from course.service.client import URL_ENV, ServiceClient
from course.widgets import (
    ChecklistWidget, CourseWidget, CpdLogWidget, QuestionWidget, ScenarioWidget, WrittenWidget,
)
from course.widgets.handin import HandInWidget
from course.widgets.strategy import STRATEGY_TYPES, strategy_widget, task_widget
from course.widgets.test import TestSession, attempts
from course.widgets.whatif import NpvWhatIfWidget
from course.widgets.times import uk_datetime

HOME_URL_ENV = "ODP_HOME_URL"
DEFAULT_HOME_URL = "/"  # no service known: the server's root (Voila's sends her to the service home)
TEST_ANCHOR = "odp-test"

SECTIONS = (
    ("key_concepts", "Key concepts and core principles"),
    ("exam_tips", "Exam tips and revision strategies"),
    ("misconceptions", "Common misconceptions and mistakes to avoid"),
    ("marking_points", "What the examiner looks for"),
)


def element_html(element: Element) -> str:
    parts = [f'<section class="odp odp-element" aria-labelledby="odp-el-{escape(element.id)}">',
             f'<h2 id="odp-el-{escape(element.id)}">{escape(element.title)}</h2>',
             f"<p>{escape(element.synopsis)}</p>"]
    for field, heading in SECTIONS:
        items = "".join(f"<li>{escape(x)}</li>" for x in getattr(element, field))
        parts.append(f"<h3>{heading}</h3><ul>{items}</ul>")
    parts.append("</section>")
    return "".join(parts)


def report_links_html(made) -> str:
    """Where the report is, with download links that work in JupyterLab and the app alike."""
    import base64

    kinds = {".html": ("text/html", "web page"), ".pdf": ("application/pdf", "PDF"),
             ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")}
    links = []
    for path in (made.html, made.pdf, made.docx):
        if path is None:
            continue
        mime, label = kinds[path.suffix]
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        links.append(f'<li><a download="{escape(path.name)}" href="data:{mime};base64,{data}">Download the '
                     f"{label} ({escape(path.name)})</a></li>")
    notes = "".join(f"<li>{escape(n)}</li>" for n in made.notes)
    return (f"<p>Your report is ready, in the <code>{escape(made.html.parent.name)}</code> folder.</p>"
            f"<ul>{''.join(links)}</ul>" + (f"<p>Before you share it:</p><ul>{notes}</ul>" if notes else ""))


def criteria_html(task: Task, every_criterion: bool = True) -> str:
    """What the assessor marks a task against, shown to the learner before they write."""
    items = "".join(
        f"<li><strong>{escape(f'AC {c.assessment_criterion}: ' if c.assessment_criterion else '')}"
        f"{escape(c.text)}.</strong> Met when: {escape(c.meets)}</li>" for c in task.criteria)
    return (f'<section class="odp odp-criteria" aria-label="What your assessor looks for in {escape(task.title)}">'
            f"<h3>What your assessor looks for: {escape(task.title)}</h3>"
            f"<p>{task.min_words:,} to {task.max_words:,} words."
            + (" Every criterion must be met to pass." if every_criterion else "") + "</p>"
            f"<ul>{items}</ul></section>")


def home_url() -> str:
    service = os.environ.get(URL_ENV, "").rstrip("/")
    return os.environ.get(HOME_URL_ENV) or (f"{service}/" if service else DEFAULT_HOME_URL)


def _link(href: str, text: str) -> str:
    return f'<a class="odp-contents__link" href="{escape(href, quote=True)}">{escape(text)}</a>'


def contents_html(unit: Unit, home: str) -> str:
    """The unit's contents: home, each element with its practice, development, and the test or
    the assignment. A skip link comes first, so the test is two Tab presses from the top."""
    final = None
    if unit.assessment == "online_test":
        final = (f"#{TEST_ANCHOR}", "The unit test")
    elif unit.assignment:
        final = (f"#{TEST_ANCHOR}", "Your assignment")
    skip = (f'<a class="odp-skip-link odp-contents__skip" href="#{TEST_ANCHOR}">Skip to '
            f'{"the unit test" if unit.assessment == "online_test" else "your assignment"}</a>') if final else ""
    items = []
    for e in unit.elements:
        practice = []
        if e.questions:
            practice.append(f"<li>{_link(f'#odp-practice-{e.id}', f'Check your understanding ({len(e.questions)} questions)')}</li>")
        practice += [f"<li>{_link(f'#odp-scenario-{s.id}', f'Scenario: {s.title}')}</li>" for s in e.scenarios]
        sub = f'<ul>{"".join(practice)}</ul>' if practice else ""
        items.append(f"<li>{_link(f'#odp-el-{e.id}', e.title)}{sub}</li>")
    if unit.activities:
        acts = "".join(f"<li>{_link(f'#odp-q-{a.id}', a.title)}</li>" for a in unit.activities)
        items.append(f"<li>{_link(f'#odp-q-{unit.activities[0].id}', 'Your development (CPD)')}<ul>{acts}</ul></li>")
    if final:
        items.append(f"<li>{_link(*final)}</li>")
    return (f'<nav class="odp odp-nav odp-contents" aria-labelledby="odp-contents-title">{skip}'
            # In this tab: the page's renderer opens any link it has no target for in a new one.
            f'<p class="odp-contents__home"><a class="odp-contents__link" target="_self" '
            f'href="{escape(home, quote=True)}">Back to the course home</a></p>'
            f'<h2 id="odp-contents-title" class="odp-contents__title">Contents</h2>'
            f'<ul class="odp-contents__list">{"".join(items)}</ul></nav>')


def attempt_status_html(record: ResponseRecord | None) -> str:
    """Where the learner is with the test, in words, as the target of the skip link."""
    text = "You have not started the test."
    if record is not None:
        latest, submitted = attempts(record)
        if latest and submitted:
            at = next((e.at for e in reversed(record.entries)
                       if e.item == "test" and e.kind == "submit" and e.attempt == latest), None)
            text = f"You submitted attempt {latest}" + (f" on {uk_datetime(at)}." if at else ".")
        elif latest:
            text = f"Attempt {latest} is in progress. Your answers are saved as you go."
    return f'<p class="odp odp-test-status" id="{TEST_ANCHOR}" tabindex="-1">{escape(text)}</p>'


class UnitSession:
    def __init__(self, folder: Path, learner: str | None = None) -> None:
        self.folder = Path(folder).resolve()
        unit, _, problems = load(Unit, self.folder / "unit.yaml", self.folder)
        if unit is None:
            raise ContentError(problems)
        self.unit = unit
        self.widgets: dict[str, CourseWidget] = {}
        # Under nbgrader (autograde or validate) the notebook runs in a fresh kernel as the
        # assessor: show the content, but never open, create or write the learner's record.
        # The hidden test cell marks the record instead.
        self.grading = bool(os.environ.get("NBGRADER_EXECUTION"))
        if self.grading:
            self.learner, self.record = "", None
            return
        client = ServiceClient.from_env()
        if client is not None:
            # Served: the course service keeps the record; who she is comes from her token.
            self.record = ServiceRecord(self.folder, unit.id, client)
            self.learner = self.record.header.learner
        else:
            self.learner = learner or current_learner()
            self.record = ResponseRecord.open(self.folder, self.learner, unit.id)
        self.connected = client is not None

    # -- lookups -------------------------------------------------------------------------
    def element(self, element_id: str) -> Element:
        for e in self.unit.elements:
            if e.id == element_id:
                return e
        raise KeyError(f"unit {self.unit.id!r} has no element {element_id!r}")

    def _question(self, qid: str) -> Question:
        for e in self.unit.elements:
            for q in e.questions:
                if q.id == qid:
                    return q
        raise KeyError(f"unit {self.unit.id!r} has no question {qid!r}")

    def _keep(self, widget: CourseWidget) -> CourseWidget:
        self.widgets[widget.item_id] = widget
        return widget

    # -- widgets -------------------------------------------------------------------------
    def question(self, qid: str, number: str = "") -> QuestionWidget:
        return self._keep(QuestionWidget(self.record, self._question(qid), number=number))

    def scenario(self, sid: str) -> ScenarioWidget:
        for e in self.unit.elements:
            for s in e.scenarios:
                if s.id == sid:
                    return self._keep(ScenarioWidget(self.record, s))
        raise KeyError(f"unit {self.unit.id!r} has no scenario {sid!r}")

    def activity(self, aid: str) -> CourseWidget:
        act = next((a for a in self.unit.activities if a.id == aid), None)
        if act is None:
            raise KeyError(f"unit {self.unit.id!r} has no activity {aid!r}")
        if act.type == "cpd_log":
            return self._keep(CpdLogWidget(self.record, act.id, act.title, prompt=act.prompt))
        if act.type in STRATEGY_TYPES:
            return self._keep(strategy_widget(self.record, act))
        if act.type == "what_if":
            return self._keep(NpvWhatIfWidget(self.record, act.id, act.title, prompt=act.prompt))
        if act.type == "checklist":
            return self._keep(ChecklistWidget(self.record, act.id, act.title, act.items, prompt=act.prompt))
        return self._keep(WrittenWidget(self.record, act.id, act.title, brief=act.prompt))

    def _task(self, task_id: str) -> Task:
        tasks = self.unit.assignment.tasks if self.unit.assignment else []
        task = next((t for t in tasks if t.id == task_id), None)
        if task is None:
            raise KeyError(f"unit {self.unit.id!r} has no assignment task {task_id!r}")
        return task

    def task(self, task_id: str) -> WrittenWidget:
        task = self._task(task_id)
        return self._keep(WrittenWidget(self.record, task.id, task.title, brief=task.brief,
                                        min_words=task.min_words, max_words=task.max_words))

    # -- showing -------------------------------------------------------------------------
    def show_connection(self) -> None:
        """Say where answers are kept when no course service keeps them (JupyterLab on one's own)."""
        if not self.grading and not self.connected:
            display(HTML('<p class="odp odp-offline" role="note">This unit is not connected to the course '
                         "service. Your answers are kept in this folder only, sealed so that changes "
                         "by hand show, and your assessor can see that they were made offline.</p>"))

    def show_element(self, element_id: str) -> None:
        element = self.element(element_id)
        display(HTML(element_html(element)))
        if self.grading:
            return
        if element.questions:
            display(HTML(f'<h3 class="odp" id="odp-practice-{escape(element.id)}" tabindex="-1">Check your understanding</h3>'))
        for n, q in enumerate(element.questions, 1):
            display(self.question(q.id, number=f"Question {n} of {len(element.questions)}"))
        for s in element.scenarios:
            display(HTML(f'<h3 class="odp" id="odp-scenario-{escape(s.id)}" tabindex="-1">Scenario: {escape(s.title)}</h3>'))
            display(self.scenario(s.id))

    def show_contents(self) -> None:
        """The contents list and the links home, at the top of the unit's page."""
        display(HTML(contents_html(self.unit, home_url())))

    def test(self) -> TestSession:
        """The unit's summative test, from the released key-free items beside the notebook."""
        spec, items = read_public_items(self.folder)
        return TestSession(self.record, items, spec, f"{self.unit.code} {self.unit.title} test")

    def show_test(self) -> None:
        if self.grading:
            return
        display(HTML(attempt_status_html(self.record)))
        if not (self.folder / ITEMS_FILE).exists():
            # The source folder has no test: the release step writes the key-free items.
            display(HTML('<p class="odp">The test appears here when your assessor releases this unit to you.</p>'))
            return
        display(self.test())

    def show_activity(self, aid: str) -> None:
        if not self.grading:
            display(self.activity(aid))
            return
        act = next((a for a in self.unit.activities if a.id == aid), None)
        if act is not None and (act.type in STRATEGY_TYPES or act.type == "what_if"):
            self._show_saved_analysis(act)

    def task_grid(self, task_id: str) -> CourseWidget | None:
        """The grid or table the task names (a power/interest grid, a risk register), or None."""
        task = next((t for t in (self.unit.assignment.tasks if self.unit.assignment else []) if t.id == task_id), None)
        if task is None:
            raise KeyError(f"unit {self.unit.id!r} has no assignment task {task_id!r}")
        grid = task_widget(self.record, task)
        return self._keep(grid) if grid is not None else None

    def show_task(self, task_id: str) -> None:
        if self.grading:
            return  # the grader copies the saved answer into the answer cell below
        task = self._task(task_id)
        tasks = self.unit.assignment.tasks if self.unit.assignment else []
        if tasks and tasks[0].id == task_id:  # the contents list's link to the assignment
            display(HTML(f'<p class="odp odp-test-status" id="{TEST_ANCHOR}" tabindex="-1">'
                         f'Your assignment has {len(tasks)} task{"s" if len(tasks) != 1 else ""}. '
                         'Your answers are saved as you type.</p>'))
        display(HTML(criteria_html(task, self.unit.assignment.pass_rule == "all_criteria_met")))
        display(self.task(task_id))
        grid = self.task_grid(task_id)
        if grid is not None:
            display(grid)

    # -- what the grader reads from the submission -----------------------------------------
    def saved(self, item: str):
        """The learner's latest trusted answer to ``item`` in the submission being graded."""
        from course.grading.saved import kernel_answer

        # The grader checked the record and left the trusted answers here (the kernel has no secret).
        return kernel_answer(self.folder, item)

    def _show_saved_analysis(self, act) -> None:
        """The assessor's copy: the learner's PESTLE, SWOT, stakeholder map or what-if as a table."""
        from course.analysis.option_figures import what_if_html
        from course.widgets.analysis_tables import analysis_html

        saved = self.saved(act.id)
        if saved.problem:
            display(HTML(f'<p class="odp"><strong>{escape(act.title)}</strong>: cannot be shown: '
                         f"{escape(saved.problem)}.</p>"))
            return
        if saved.response is None:
            display(HTML(f'<p class="odp"><strong>{escape(act.title)}</strong>: nothing was saved.</p>'))
            return
        display(HTML(what_if_html(saved.response, act.title) if act.type == "what_if"
                     else analysis_html(act.type, saved.response, act.title)))

    # -- the learner's own data (projects) -------------------------------------------------
    def own_data(self):
        """The description of the learner's own file, from their record (None if they use the
        course data)."""
        from course.datasets.owndata import OWN_DATA_ITEM, OwnData

        if self.grading:
            return OwnData.from_record(self.saved(OWN_DATA_ITEM).response)
        entry = self.record.latest().get(OWN_DATA_ITEM)
        return OwnData.from_record(entry.response) if entry else None

    def use_own_file(self, schema: str, content: bytes, filename: str, share: str = "file"):
        """Use the learner's own file for ``schema`` (what the upload control does): checked,
        saved where ``share`` says ('file' or 'checksum') and described in the record."""
        from course.datasets.owndata import OWN_DATA_ITEM, file_path, store_own_file

        from course.datasets.errors import DataFileError
        from course.exceptions import RecordError
        from course.record.remote import NotSavedYet

        saved, _ = store_own_file(self.folder, self.unit.id, schema, content, filename, share)
        try:
            self.record.append(OWN_DATA_ITEM, "answer", saved.to_record())
        except NotSavedYet:
            pass   # kept on this computer and sent when the service is back
        except RecordError as exc:   # refused: the charts must not claim the file, nor keep it
            file_path(self.folder, self.unit.id, saved).unlink(missing_ok=True)
            raise DataFileError(f"your file was read, but your choice could not be saved to your record "
                                f"({exc}), so your charts still use the course data") from None
        return saved

    def show_own_data(self, schema: str) -> None:
        from course.datasets.owndata import own_data_html

        own = self.own_data()
        if self.grading:
            if own is None or own.schema != schema:
                display(HTML('<p class="odp">The learner used the course dataset, not their own file.</p>'))
            else:
                display(HTML(own_data_html(own, drawn_from_file=own.share == "file")))
            return
        from course.datasets.upload import OwnDataLoader

        def store(content: bytes, filename: str, share: str) -> None:
            self.use_own_file(schema, content, filename, share)

        current = (f"Using your file {own.filename} ({own.rows:,} rows). Choose another file to replace it."
                   if own and own.schema == schema else "")
        display(OwnDataLoader(schema, store, share=own.share if own else "file", current=current))

    def project_data(self, schema: str, seed: int = 2024):
        """The data the project's charts are drawn from: the learner's own file if they chose
        one for this dataset (and it can be read here), else the course dataset."""
        from course.datasets import generate
        from course.datasets.errors import DataFileError
        from course.datasets.owndata import read_own_file

        own = self.own_data()
        if own is not None and own.schema == schema and (own.share == "file" or not self.grading):
            try:
                frame = read_own_file(self.folder, self.unit.id, own)
            except DataFileError as exc:
                display(HTML(f'<p class="odp" role="alert"><strong>There is a problem with your own data:</strong> '
                             f"{escape(str(exc))}. The charts below use the course data instead.</p>"))
            else:
                display(HTML(f'<p class="odp odp-data-note">The charts below are drawn from {escape(own.filename)} '
                             f"({len(frame):,} rows).</p>"))
                return frame
        from course.datasets.registry import schema as schema_named

        frame = generate(schema, seed=seed)
        display(HTML(f'<p class="odp odp-data-note">The charts below are drawn from the course\'s '
                     f"{escape(schema_named(schema).title.lower())} dataset ({len(frame):,} generated rows, "
                     f"seed {seed}), not from real cases.</p>"))
        return frame

    # -- the board report (projects) -------------------------------------------------------
    def report(self, out_dir: str = "report"):
        """Make the board report (HTML, PDF, Word) from the saved answers and this workbook."""
        from course.analysis.board_report import board_report

        made = board_report(self.folder, out_dir, learner=self.learner)
        display(HTML(report_links_html(made)))
        return made

    def show_report(self) -> None:
        if self.grading:
            return
        import ipywidgets as widgets

        button = widgets.Button(description="Make my report", button_style="primary",
                                tooltip="Make the board report from your saved work (takes about 10 seconds)",
                                layout=widgets.Layout(min_height="44px", width="auto"))
        status = widgets.HTML('<div role="status" aria-live="polite"></div>')

        def make(_button) -> None:
            from course.analysis.board_report import board_report

            button.disabled = True
            status.value = '<div role="status" aria-live="polite">Making your report…</div>'
            try:
                made = board_report(self.folder, learner=self.learner)
            except Exception as exc:  # a learner's own cells can fail in any way: say so, keep the page
                status.value = (f'<div role="alert"><strong>There is a problem:</strong> your report was not '
                                f"made: {escape(str(exc))}</div>")
            else:
                status.value = f'<div role="status" aria-live="polite">{report_links_html(made)}</div>'
            finally:
                button.disabled = False

        button.on_click(make)
        display(widgets.VBox([button, status]))

    def show_submit(self) -> None:
        """Check and hand in the written assignment (after every task on the page)."""
        if self.grading or self.unit.assignment is None:
            return
        tasks = [self.widgets.get(t.id) or self.task(t.id) for t in self.unit.assignment.tasks]
        display(HandInWidget(self.record, tasks))


def open_unit(folder: str | Path = ".", learner: str | None = None) -> UnitSession:
    session = UnitSession(Path(folder), learner)
    session.show_connection()
    return session
