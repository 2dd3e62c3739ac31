"""What a learner is told about a task: for each criterion marked, met or not yet, and the
assessor's comment. Nothing else: no marker names, no second marker's view, no internal notes,
nothing about other learners. It goes in the gradebook as the task cell's comment, which
``nbgrader generate_feedback`` shows under the learner's answer."""

from __future__ import annotations

from typing import Mapping

from course.grading.written import plain_markdown
from course.marking.rubric import TaskRubric


def task_feedback(task: TaskRubric, decisions: Mapping[str, tuple[bool, str]]) -> str:
    """``decisions`` maps criterion id to (met, comment for the learner)."""
    lines = []
    for c in task.criteria:
        if c.id not in decisions:
            continue
        met, comment = decisions[c.id]
        line = f"- **{c.label}: {plain_markdown(' '.join(c.text.split()))}.** "
        line += "Met." if met else "Not yet met."
        if comment.strip():
            line += " " + plain_markdown(" ".join(comment.split()))
        lines.append(line)
    return "\n".join(lines)
