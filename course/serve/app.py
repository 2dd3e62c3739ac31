"""Voila, as the course runs it: ``python -m course.serve.app <folder> [Voila options]``.

One change from ``python -m voila``: Voila 0.5's template static handler answers a path that
climbs out of the template (``/voila/templates/odp/static/../../x``) with HTTP 500 (an
unhandled ValueError), not 404. Nothing leaks, but a refusal should look like one, so such
paths get 404 here.
"""

from __future__ import annotations

from tornado import web
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler


class SafeTemplateStaticFileHandler(TemplateStaticFileHandler):
    def parse_url_path(self, path: str) -> str:
        try:
            return super().parse_url_path(path)
        except (AssertionError, ValueError):  # not <template>/static/<file>
            raise web.HTTPError(404) from None

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            return super().get_absolute_path(root, path)
        except (AssertionError, ValueError):  # climbed out of <template>/static
            raise web.HTTPError(404) from None


class CourseVoila(Voila):
    def init_handlers(self) -> list:
        swap = {TemplateStaticFileHandler: SafeTemplateStaticFileHandler}
        return [(rule[0], swap.get(rule[1], rule[1]), *rule[2:]) for rule in super().init_handlers()]


if __name__ == "__main__":
    CourseVoila.launch_instance()
