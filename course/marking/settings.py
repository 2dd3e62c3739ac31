"""The marking app's settings, each with its help text (environment variables ``ODP_*``;
``odp mark serve`` sets them for the app's kernel from its options)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from course.config import Settings


# Set in the hub's shared marking service (course/hub/marking.py), where each page's assessor
# comes from the hub sign-in; there, falling back to the OS user would record marks as the service.
SHARED_SERVICE_ENV = "ODP_MARKING_GROUP"  # = course.hub.marking.GROUP_ENV (tested)


def _who() -> str:
    if os.environ.get(SHARED_SERVICE_ENV):
        raise ValueError("no assessor signed in for this page (the marking service sets ODP_ASSESSOR "
                         "from the hub sign-in): nothing can be marked")
    return os.environ.get("JUPYTERHUB_USER") or getpass.getuser()


class MarkingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ODP_", extra="ignore")

    course_dir: Path | None = Field(
        default=None,
        description="The nbgrader course folder (default: autograder/ under the content root).")
    assessor: str = Field(
        default_factory=_who,
        description="Who is marking: recorded with every mark in the audit trail (default: the "
        "JupyterHub user, else the operating system user).")
    iqa_rate: float = Field(
        default=0.2, gt=0, le=1,
        description="Share of each assessor's marked submissions drawn for second marking.")
    iqa_minimum: int = Field(
        default=1, ge=0,
        description="At least this many of each assessor's marked submissions are second-marked.")
    similarity_threshold: float = Field(
        default=0.3, gt=0, le=1,
        description="Two answers whose word 5-grams overlap this much (Jaccard index) are flagged "
        "as similar for the assessor.")
    similar_passage_words: int = Field(
        default=30, ge=8,
        description="Two answers sharing a passage of this many words are flagged as similar.")

    marking_pool_size: int = Field(
        default=1, ge=0,
        description="Preheated kernels `odp mark serve` keeps ready for the app (Voila's kernel "
        "pool; 0 turns it off): a page then opens without waiting for its kernel to start and read "
        "the course content. Each costs ~70 MB USS (measured with the course content read).")
    marking_pool_refill_seconds: float = Field(
        default=1, ge=0,
        description="Wait this long after a preheated kernel is taken before heating the next.")

    def folder(self) -> Path:
        return (self.course_dir or Settings().content_root / "autograder").resolve()
