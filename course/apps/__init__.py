"""Voila apps. Each notebook here is one line that calls a module beside it.

- ``home.ipynb`` → :mod:`~course.apps.home` (my pathway from :mod:`~course.apps.pathway`,
  the dashboards, the catalogue);
- ``progress.ipynb``, ``team.ipynb``, ``department.ipynb``, ``profession.ipynb`` →
  :mod:`~course.apps.dashboards` (figures from the tracking store, drawn by
  :mod:`~course.apps.sections` and :mod:`~course.apps.charts`; who may see which in
  :mod:`~course.apps.viewers`; the store reached through :mod:`~course.apps.store`).

See ``docs/serve.md``.
"""
