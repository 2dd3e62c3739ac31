"""Accessible course widgets. Every widget writes to the learner's response record.

Widgets are built with anywidget over one front-end module (``static/widgets.js``) that uses
native HTML controls. Correctness is decided here in the kernel: the front end is sent the
question and the options, never the key.
"""

from course.widgets.activities import ChecklistWidget, CpdLogWidget, WrittenWidget
from course.widgets.base import CourseWidget
from course.widgets.question import QuestionWidget
from course.widgets.scenario import ScenarioWidget
from course.widgets.strategy import PestleWidget, StakeholderMapWidget, SwotWidget
from course.widgets.summary import CheckAnswersWidget

__all__ = ["ChecklistWidget", "CheckAnswersWidget", "CourseWidget", "CpdLogWidget", "PestleWidget",
           "QuestionWidget", "ScenarioWidget", "StakeholderMapWidget", "SwotWidget", "WrittenWidget"]
