"""``odp serve``: the course app for a learner, on the embedded default set-up."""

from __future__ import annotations

from pathlib import Path

import click

from course.config import Settings


@click.command("serve")
@click.option("--port", type=int, help="Port to listen on (default 8866, or ODP_PORT).")
@click.option("--learner", help="Learner id to serve (default demo-learner, or ODP_LEARNER).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Local data folder (default .odp-data under the content root, or ODP_DATA_DIR).")
def command(port: int | None, learner: str | None, data_dir: Path | None) -> None:
    """Serve the course home and unit apps with Voila on 127.0.0.1.

    The server sees only the learner's working folder, which holds released copies of the
    units: never the nbgrader source, item banks or the gradebook.
    """
    from course.serve.server import run  # imported late: Voila takes a second to import

    overrides = {k: v for k, v in {"port": port, "learner": learner, "data_dir": data_dir}.items() if v}
    run(Settings(**overrides))
