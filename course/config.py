"""Every setting in one place, each with its help text.

Settings come from (in order of precedence) command-line options, environment variables
prefixed ``ODP_`` (for example ``ODP_DATA_DIR``), then the defaults below. The defaults are the
embedded set-up: everything lives in a local data folder and SQLite, no external server.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

CATALOGUE_FILE = "catalogue.yaml"


def find_content_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` that holds ``catalogue.yaml``.

    Falls back to ``start`` itself so that error messages name the folder the user is in.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CATALOGUE_FILE).is_file():
            return folder
    return here


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ODP_", extra="ignore")

    content_root: Path = Field(
        default_factory=find_content_root,
        description="Folder holding catalogue.yaml and the level2/, level4/, level7/ unit folders.",
    )
    data_dir: Path = Field(
        default=Path(".odp-data"),
        description="Local data folder for the embedded set-up: learners' working folders, "
        "the tracking database and the nbgrader exchange. Relative paths are taken from the "
        "content root.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the tracking store. Empty means SQLite in the data folder; "
        "use postgresql+psycopg://user@host/db for a shared server.",
    )
    host: str = Field(default="127.0.0.1", description="Address the course app listens on.")
    port: int = Field(default=8866, description="Port the course app listens on.")
    learner: str = Field(
        default="demo-learner",
        description="Learner id the embedded course app serves (single-learner demo mode).",
    )

    exchange_dir: Path | None = Field(
        default=None,
        description="nbgrader's Exchange.root, where the course service hands submissions in and "
        "assessors release units. Empty: exchange/ in the data folder, closed to other local users "
        "(the embedded set-up). `odp hub` sets it to a folder the staff group shares.",
    )

    # -- the course service (the one server of record) ------------------------------------------
    service_port: int = Field(
        default=8865, ge=0,
        description="Port the course service listens on (0: any free port). It serves the "
        "course home and dashboards, and keeps every answer and result.",
    )
    service_url: str | None = Field(
        default=None,
        description="Address of a running course service, for the commands that talk to it "
        "(odp grade publishes results there). Empty: the one `odp serve` wrote in the data folder.",
    )
    service_token: str | None = Field(
        default=None,
        description="The caller's token for the course service (a learner's kernel is given "
        "one by the course app; an assessor's commands read it from the data folder).",
    )

    # -- the demo store's people (who may see which dashboard comes from the store and the hub) --
    line_manager: str = Field(
        default="demo-manager",
        description="Person id of the served learner's line manager in the demo store (her team "
        "is his 'my team' dashboard at the course service). Empty: none.",
    )
    department: str = Field(
        default="dwp",
        description="Department id of the served learner in the demo store.",
    )
    demo_cohort: int = Field(
        default=120,
        description="Learners in the made-up demo cohort written to an empty tracking store on "
        "first run (0: none). The served learner is always enrolled, in the line manager's team.",
    )
    at_risk_weeks: int = Field(
        default=4, ge=1,
        description="A learner on programme with no activity for this many weeks is at risk.",
    )

    # -- kernels (Voila) --------------------------------------------------------------------------
    pool_size: int = Field(
        default=1, ge=0,
        description="Preheated kernels kept ready for each unit app of the learner's "
        "qualification (Voila's kernel pools; 0 turns pooling off). Each costs ~35 MB USS.",
    )
    pool_refill_seconds: float = Field(
        default=2, ge=0,
        description="Wait this long after a preheated kernel is taken before starting its "
        "replacement, so a burst of learners is served before the refills compete for the CPU "
        "(a forked kernel costs ~0.2 CPU-s, so the wait can be short).",
    )
    max_kernels: int = Field(
        default=12, ge=1,
        description="Most kernels alive at once, pooled ones included. A page beyond it gets "
        "HTTP 503 'the course is busy' instead of starting another kernel (Voila #617).",
    )
    cull_idle_seconds: int = Field(
        default=900, ge=10,
        description="A page's kernel idle this long (tab closed, no messages) is shut down.",
    )
    cull_interval_seconds: int = Field(
        default=60, ge=1,
        description="How often idle kernels are looked for.",
    )
    join_grace_seconds: int = Field(
        default=60, ge=5,
        description="A page's kernel that no browser ever connected to (the page was fetched "
        "by a bot, a prefetch, or a browser whose scripts failed) is shut down once idle this "
        "long: longer than a slow browser takes to load a page and connect, so it cannot strand "
        "kernels until the idle cull.",
    )

    # -- many learners on one machine: `odp hub` (docs/hub.md) --------------------------------------
    hub_dir: Path = Field(
        default=Path("/srv/odp"),
        description="Where `odp hub` keeps its state: the PostgreSQL cluster, the course "
        "service's folder (course secret, hand-in notes), nbgrader's exchange and the assessors' "
        "course folder. Made by `odp hub`, owned by root and the course's own OS users.",
    )
    hub_ip: str = Field(default="127.0.0.1", description="Address the hub's proxy listens on.")
    hub_port: int = Field(default=8000, ge=1, description="Port learners and staff open in the browser.")
    hub_api_port: int = Field(default=8081, ge=1, description="Port of the hub's own API (127.0.0.1 only).")
    hub_proxy_api_port: int = Field(default=8001, ge=1, description="Port of the proxy's API (127.0.0.1 only).")
    hub_postgres_port: int = Field(
        default=5433, ge=1,
        description="Port of the course's own PostgreSQL cluster on 127.0.0.1 (hub database, "
        "tracking store and gradebook), password sign-in only.",
    )
    hub_service_user: str = Field(
        default="odp-service",
        description="OS user the course service runs as: the only one who reads the course "
        "secret and the store's password.",
    )
    hub_marking_user: str = Field(
        default="odp-marking",
        description="OS user the marking app runs as under `odp hub` (the hub service `marking`, "
        "in the staff group): not the course service's user, so the app's kernels cannot read "
        "the service's environment (the store's password).",
    )
    hub_marking_port: int = Field(
        default=8869, ge=1,
        description="Port of the marking app's hub service on 127.0.0.1 (the hub proxies "
        "/services/marking/ to it).",
    )
    hub_staff_group: str = Field(
        default="odp-staff",
        description="OS group of the course service and the assessors: it may read the item "
        "banks and the service's hand-in notes. Learners are never in it.",
    )
    hub_course_id: str = Field(
        default="odp",
        description="The nbgrader course every unit belongs to. One course for the programme: "
        "units are shared between qualifications (303 is in Levels 3 and 4), and one gradebook "
        "keeps a learner's whole record together (docs/hub.md).",
    )
    hub_idle_minutes: int = Field(
        default=60, ge=1,
        description="A learner's server with no activity for this long is stopped by "
        "jupyterhub-idle-culler (her work is saved; she starts again by opening a unit).",
    )
    hub_zygote: bool = Field(
        default=True,
        description="Fork each person's server from a process that has imported the server's "
        "modules already (course/hub/zygote.py, started by `odp hub` before the hub): a spawn "
        "then costs no imports. Off: the hub starts each server as a new process (Popen).",
    )

    sandbox_user: str = Field(
        default="odp-sandbox",
        description="Unprivileged system user every grading kernel runs as when the grader runs as "
        "root (CI, `odp hub`): no groups, no network, nothing of the course's readable. Created "
        "(no home, no login shell) if missing.",
    )

    @property
    def data_path(self) -> Path:
        path = self.data_dir if self.data_dir.is_absolute() else self.content_root / self.data_dir
        return path.resolve()

    @property
    def exchange_path(self) -> Path:
        return (self.exchange_dir or self.data_path / "exchange").resolve()

    @property
    def learner_path(self) -> Path:
        """The served learner's working folder: all the learner-facing server can see."""
        return self.data_path / "learners" / self.learner

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'odp.sqlite'}"
