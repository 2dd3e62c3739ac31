"""Which dashboards this server's viewer may open, from the server's settings.

The course server says who is looking (``ODP_LEARNER``, ``ODP_LINE_MANAGER``,
``ODP_DEPARTMENT``, ``ODP_PROFESSION_VIEWER``); the page never takes it from the request. What
each dashboard may show is then decided in the data layer by its :class:`Viewer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.config import Settings
from course.tracking.scope import Role, Viewer


@dataclass(frozen=True)
class Dashboard:
    role: Role
    title: str
    notebook: str  # in the learner's working folder, beside home.ipynb
    viewer: Viewer


NOTEBOOKS = {
    Role.LEARNER: "progress.ipynb",
    Role.LINE_MANAGER: "team.ipynb",
    Role.DEPARTMENT: "department.ipynb",
    Role.PROFESSION: "profession.ipynb",
}


def dashboards(settings: Settings) -> list[Dashboard]:
    """The dashboards this viewer may see, in the order they are listed."""
    out = [Dashboard(Role.LEARNER, "My progress", NOTEBOOKS[Role.LEARNER],
                     Viewer.learner(settings.learner))]
    if settings.line_manager:
        out.append(Dashboard(Role.LINE_MANAGER, "My team", NOTEBOOKS[Role.LINE_MANAGER],
                             Viewer.line_manager(settings.line_manager)))
    if settings.department:
        out.append(Dashboard(Role.DEPARTMENT, "My department", NOTEBOOKS[Role.DEPARTMENT],
                             Viewer.department(settings.department)))
    if settings.profession_viewer:
        out.append(Dashboard(Role.PROFESSION, "The profession", NOTEBOOKS[Role.PROFESSION],
                             Viewer.profession()))
    return out


def dashboard_for(settings: Settings, role: Role | str) -> Dashboard | None:
    """The dashboard for ``role`` if this viewer may see it, else None."""
    return next((d for d in dashboards(settings) if d.role == Role(role)), None)
