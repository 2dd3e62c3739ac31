"""Voila apps. Each notebook here is one line that calls a module beside it.

- ``home.ipynb``, ``progress.ipynb``, ``team.ipynb``, ``department.ipynb``, ``profession.ipynb``
  → :mod:`~course.apps.dashboards`, which renders the course service's pages
  (:mod:`course.pages`) in the app's kernel for this server's viewer (:mod:`~course.apps.viewers`),
  after bringing the learner's records into the store (:mod:`~course.apps.store`);
- :mod:`~course.apps.pathway`: the units of a learner's pathway and a unit app's address.

See ``docs/serve.md`` and ``docs/tracking.md``.
"""
