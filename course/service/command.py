"""``odp service``: the course service, the one server of record (see course/service/).

Kept light (click and the settings only): ``python -m course.service`` runs it without importing
the rest of the ``odp`` command, and the service listens before it loads anything heavy.
"""

from __future__ import annotations

from pathlib import Path

import click

from course.config import Settings


@click.command("service")
@click.option("--port", type=click.IntRange(min=1), help="Port (default 8865, or ODP_SERVICE_PORT).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Data folder holding the course secret and, by default, the store.")
@click.option("--content-root", type=click.Path(file_okay=False, path_type=Path),
              help="Folder holding catalogue.yaml (default: found from the current folder).")
@click.option("--app-url", default="",
              help="Where the unit apps are served (Voila's render URL), for the home's links.")
@click.option("--exchange", type=click.Path(file_okay=False, path_type=Path),
              help="nbgrader's Exchange.root, where submitted attempts are handed in "
                   "(default: exchange/ in the data folder).")
@click.option("--hub", is_flag=True,
              help="Run as a JupyterHub service (`odp hub` starts it so): the hub signs people in, "
                   "and hand-ins are readable by the staff group.")
def command(port: int | None, data_dir: Path | None, content_root: Path | None, app_url: str,
            exchange: Path | None, hub: bool) -> None:
    """Serve the course service on 127.0.0.1: answers, tests, results and the course home."""
    from course.service.starting import serve

    given = {"service_port": port, "data_dir": data_dir, "content_root": content_root}
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    import os

    from course.service.running import APP_TOKEN_ENV

    def build():
        from course.service.app import build_context

        return build_context(settings.content_root, settings.data_path, settings.db_url,
                             host=settings.host, port=settings.service_port, app_url=app_url,
                             exchange=exchange or settings.exchange_path,
                             app_token=app_token, hub=hub)

    app_token = os.environ.pop(APP_TOKEN_ENV, "")
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/") if hub else "/"
    click.echo(f"Course service on http://{settings.host}:{settings.service_port}{prefix}", err=True)
    # Under a hub the assessors (the staff group) collect what the service hands in.
    serve(build, _secret(settings), settings.host, settings.service_port,
          umask=0o027 if hub else 0o077)


def _secret(settings: Settings) -> bytes:
    from course.record.keys import course_secret

    return course_secret(settings.data_path)
