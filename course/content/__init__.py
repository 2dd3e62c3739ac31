"""Course content: the model, loading from YAML, and validation.

Use :func:`load_course` to read a content tree (problems collected, never raised) or
:func:`require_course` when content must be valid.
"""

from course.content.model import (
    Activity, Assignment, Catalogue, Choice, Criterion, Element, ItemBank, Option,
    Qualification, Question, Scenario, Step, Task, Unit, UnitRef,
)
from course.content.problems import Problem
from course.content.repository import CourseContent, UnitEntry, load_course, require_course

__all__ = [
    "Activity", "Assignment", "Catalogue", "Choice", "Criterion", "CourseContent", "Element",
    "ItemBank", "Option", "Problem", "Qualification", "Question", "Scenario", "Step", "Task",
    "Unit", "UnitEntry", "UnitRef", "load_course", "require_course",
]
