"""Serving the course to learners: their working folder (:mod:`~course.serve.workspace`), the
Voila server over it (:mod:`~course.serve.server`, :mod:`~course.serve.app`), preheated unit
apps (:mod:`~course.serve.preheat`) and a bound on live kernels (:mod:`~course.serve.kernels`).
See ``docs/serve.md``."""
