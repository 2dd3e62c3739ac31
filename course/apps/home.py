"""The course home: the catalogue by level, with a link to each unit that has a notebook."""

from __future__ import annotations

from html import escape

from IPython.display import HTML, display

from course.config import Settings
from course.content import CourseContent, require_course


def render(course: CourseContent) -> str:
    parts = ['<main class="odp-home" aria-labelledby="odp-home-title">',
             '<h1 id="odp-home-title">Operational Delivery Profession courses</h1>']
    quals = sorted(course.catalogue.qualifications, key=lambda q: (q.level, q.title))
    for level in sorted({q.level for q in quals}):
        parts.append(f"<h2>Level {level}</h2>")
        for qual in (q for q in quals if q.level == level):
            parts.append(f"<h3>{escape(qual.title)}</h3><ul>")
            for entry in (e for e in course.entries if e.qualification.id == qual.id):
                label = f"{escape(entry.ref.code)} {escape(entry.ref.title)}"
                if entry.notebook:
                    href = f"../render/{escape(entry.unit.id)}/{escape(entry.notebook.name)}"
                    parts.append(f'<li><a href="{href}">{label}</a></li>')
                else:
                    parts.append(f"<li>{label} <span>(planned)</span></li>")
            parts.append("</ul>")
    parts.append("</main>")
    return "".join(parts)


def show() -> None:
    # The home kernel is learner-facing: it never reads the item banks that hold the keys.
    display(HTML(render(require_course(Settings().content_root, with_banks=False))))
