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

    @property
    def data_path(self) -> Path:
        path = self.data_dir if self.data_dir.is_absolute() else self.content_root / self.data_dir
        return path.resolve()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'odp.sqlite'}"
