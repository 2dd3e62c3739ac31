"""The marking app's hub service without a hub: what the hub is told to run, and the page hook
that says who is marking (tests/hub/test_hub.py runs both under a real hub, in Chromium)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from tornado.web import HTTPError

from course.hub import marking
from course.hub.layout import HubLayout
from course.hub.marking_app import assessor_first
from course.marking.server import NOTEBOOK
from tests.conftest import REPO

GROUP = "formgrade-odp"


@pytest.fixture
def spec(tmp_path):
    return marking.service(HubLayout(tmp_path), REPO, port=8999, user="odp-marking",
                           gradebook_url="postgresql+psycopg://odp_grader:pw@127.0.0.1:5433/gradebook",
                           assessors=GROUP, public_hosts=["127.0.0.1:8000"])


def test_the_hub_runs_the_marking_app_under_its_prefix_with_the_hubs_sign_in(spec, tmp_path):
    cmd = spec["command"]
    assert cmd[1:4] == ["-m", "course.hub.marking_app", str(NOTEBOOK)]
    assert "--port=8999" in cmd and "--Voila.base_url=/services/marking/" in cmd
    assert "--Voila.identity_provider_class=jupyterhub.singleuser.extension.JupyterHubIdentityProvider" in cmd
    assert spec["user"] == "odp-marking" and spec["cwd"] == str(tmp_path / "marking")


def test_its_environment_names_no_assessor_and_holds_the_gradebook(spec):
    env = spec["environment"]
    assert "ODP_ASSESSOR" not in env and "ODP_SERVE_TOKEN" not in env
    assert env["ODP_GRADEBOOK_URL"].startswith("postgresql+psycopg://odp_grader:")
    assert env[marking.GROUP_ENV] == GROUP and env[marking.HOSTS_ENV] == "127.0.0.1:8000"
    assert not any(k.startswith("ODP_DATABASE") for k in env)  # the store is the course service's


def test_only_the_assessors_group_gets_the_access_scope():
    assert marking.role(GROUP) == {"name": "marking", "groups": [GROUP],
                                   "scopes": ["access:services!service=marking"]}


def page_for(user: dict | None):
    return SimpleNamespace(current_user=None if user is None else SimpleNamespace(hub_user=user))


def test_each_page_gets_its_own_assessor_as_its_first_cell(monkeypatch):
    monkeypatch.setenv(marking.GROUP_ENV, GROUP)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    cells = len(notebook.cells)
    page = assessor_first(page_for({"kind": "user", "name": "t1a2b-ann", "groups": [GROUP]}), notebook, "")
    assert len(page.cells) == cells + 1 and len(notebook.cells) == cells  # the server's copy untouched
    ns: dict = {}
    monkeypatch.delenv("ODP_ASSESSOR", raising=False)
    exec(page.cells[0].source, ns)
    import os

    assert os.environ.pop("ODP_ASSESSOR") == "t1a2b-ann"
    assert page.cells[1:] == notebook.cells


@pytest.mark.parametrize("user", [
    None,                                                             # not signed in
    {"kind": "user", "name": "amy", "groups": ["odp-learners"]},       # a learner
    {"kind": "service", "name": "course", "groups": [GROUP]},          # a service's token
    {"kind": "user", "name": "x'); import os; ('", "groups": [GROUP]},  # not an account name
])
def test_anyone_else_is_refused_before_a_kernel_starts(monkeypatch, user):
    monkeypatch.setenv(marking.GROUP_ENV, GROUP)
    with pytest.raises(HTTPError) as refused:
        assessor_first(page_for(user), nbformat.read(NOTEBOOK, as_version=4), "")
    assert refused.value.status_code == 403


def test_the_staff_nbgrader_config_loads_the_courses(tmp_path):
    from course.hub.spawn import SpawnPlan

    plan = SpawnPlan(HubLayout(tmp_path), REPO, "odp", "http://127.0.0.1:1/services/course")
    plan.layout.jupyter.mkdir()
    plan.write_configs()
    config = plan.staff_config_dir / "nbgrader_config.py"
    assert str(REPO / "autograder" / "nbgrader_config.py") in config.read_text()
    assert config.stat().st_mode & 0o777 == 0o644
    assert plan.staff_environment()["JUPYTER_CONFIG_PATH"] == str(plan.staff_config_dir)
    assert Path(plan.staff_environment()["ODP_COURSE_DIR"]) == plan.layout.course


def test_a_page_with_no_assessor_from_the_hub_marks_as_no_one(spec, monkeypatch):
    """Fail closed: if the page hook were missing, the app's kernel must not fall back to its
    OS user (``odp-marking``) as the assessor."""
    from course.marking.settings import SHARED_SERVICE_ENV, MarkingSettings

    assert spec["environment"][SHARED_SERVICE_ENV] == GROUP  # the variable the service sets
    monkeypatch.setenv(SHARED_SERVICE_ENV, GROUP)
    monkeypatch.delenv("ODP_ASSESSOR", raising=False)
    with pytest.raises(ValueError, match="no assessor signed in"):
        MarkingSettings()
    monkeypatch.setenv("ODP_ASSESSOR", "ash")
    assert MarkingSettings().assessor == "ash"
