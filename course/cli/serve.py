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
@click.option("--pool-size", type=click.IntRange(min=0),
              help="Preheated kernels per unit app of the learner's qualification (default 1, "
                   "or ODP_POOL_SIZE; 0: no pools).")
@click.option("--max-kernels", type=click.IntRange(min=1),
              help="Most kernels alive at once; a page beyond it gets HTTP 503 (default 12, "
                   "or ODP_MAX_KERNELS).")
@click.option("--demo-cohort", type=click.IntRange(min=0),
              help="Made-up learners written to an empty tracking store on first run (default "
                   "120, or ODP_DEMO_COHORT; 20000: the size of the real programme).")
def command(port: int | None, learner: str | None, data_dir: Path | None,
            pool_size: int | None, max_kernels: int | None, demo_cohort: int | None) -> None:
    """Serve the course home, the unit apps and the dashboards with Voila on 127.0.0.1.

    On first run it creates the tracking store in the data folder (SQLite) with a small demo
    cohort. The server sees only the learner's working folder, which holds released copies of
    the units: never the nbgrader source, item banks, the gradebook or the course secret.
    """
    from course.serve.server import run  # imported late: Voila takes a second to import

    given = {"port": port, "learner": learner, "data_dir": data_dir, "pool_size": pool_size,
             "max_kernels": max_kernels, "demo_cohort": demo_cohort}
    run(Settings(**{k: v for k, v in given.items() if v is not None}))
