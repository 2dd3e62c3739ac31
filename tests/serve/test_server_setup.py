"""How `odp serve` sets Voila up, checked without starting it: which notebooks are pooled, the
waiting cell in released unit notebooks, the kernel bound's sanity check, the 404 hardening."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from tornado import web

from course.config import Settings
from course.content import require_course
from course.exceptions import CourseError
from course.serve.app import SafeTemplateStaticFileHandler
from course.serve.preheat import CELL, TAG, with_preheat_cell
from course.serve.server import plan_pools, prepare, voila_args
from course.serve.workspace import RETIRED_APPS, prepare as prepare_folder
from tests.conftest import FIXTURES

UNIT = "sample-unit/sample-unit.ipynb"


@pytest.fixture
def folder(tmp_path) -> Path:
    course = require_course(FIXTURES / "content")
    return prepare_folder(course, tmp_path, "amy")


def test_the_folder_holds_her_released_units_only(folder, tmp_path):
    notebooks = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb"))
    assert notebooks == [UNIT]  # no home, no dashboard: those are the service's pages
    released = nbformat.read(folder / UNIT, as_version=4)
    first = released.cells[0]
    assert first.source == CELL and TAG in first.metadata["tags"]
    assert sum(TAG in c.metadata.get("tags", []) for c in released.cells) == 1
    # The Voila home and dashboards an earlier version copied in go on the next start; her
    # own files stay.
    for name in RETIRED_APPS:
        (folder / name).write_text("{}")
    (folder / "my-notes.ipynb").write_text("{}")
    prepare_folder(require_course(FIXTURES / "content"), tmp_path, "amy")
    assert not any((folder / name).exists() for name in RETIRED_APPS)
    assert (folder / "my-notes.ipynb").exists()


def test_the_waiting_cell_is_added_once():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    twice = with_preheat_cell(with_preheat_cell(nb))
    assert [c.source for c in twice.cells] == [CELL, "x = 1"]
    nbformat.validate(twice)


def test_only_the_learners_units_are_pooled_as_voila_applies_the_denylist(folder):
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    (folder / "my-notes.ipynb").write_text("{}")  # a notebook of her own: never pooled
    pools = plan_pools(folder, [UNIT], 2)
    assert pools.pooled == [UNIT] and pools.kernels == 2 and pools.unpooled == ["my-notes.ipynb"]
    args = voila_args(Settings(max_kernels=5), folder, pools)
    assert "--VoilaConfiguration.preheat_kernel=True" in args
    assert "--VoilaConfiguration.default_pool_size=2" in args
    given = next(a for a in args if a.startswith("--VoilaKernelManager.preheat_denylist="))
    denylist = eval(given.split("=", 1)[1])  # a Python list literal, as Voila reads it
    manager = voila_kernel_manager_factory(object, True, 1)
    keeps = lambda path: manager._notebook_filter(SimpleNamespace(preheat_denylist=denylist), path)
    for nb in [UNIT, "my-notes.ipynb"]:
        assert keeps(folder.resolve() / nb) == (nb == UNIT), nb  # Voila passes absolute paths
    assert not any("preheat" in a for a in voila_args(Settings(), folder, plan_pools(folder, [UNIT], 0)))


def test_the_bound_must_leave_room_for_pages(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    settings = Settings(content_root=root, data_dir=tmp_path / "data", demo_cohort=0,
                        pool_size=2, max_kernels=2)
    with pytest.raises(CourseError, match="max_kernels"):
        prepare(settings, require_course(root))


@pytest.mark.parametrize("path", ["odp/static/../../../etc/passwd", "odp/static/../../x",
                                  "odp/static/../x"])
def test_climbing_out_of_a_template_is_404_not_500(path):
    with pytest.raises(web.HTTPError) as refused:
        SafeTemplateStaticFileHandler.get_absolute_path("/fake-root", path)
    assert refused.value.status_code == 404


def test_voila_is_started_signed_in_forking_and_without_template_override(tmp_path, monkeypatch):
    from course.serve import provisioner, signin
    from course.serve.server import voila_env

    args = voila_args(Settings(), tmp_path)
    assert args[1:3] == ["-m", "course.serve.app"]
    assert f"--KernelProvisionerFactory.default_provisioner_name={provisioner.NAME}" in args
    assert "--VoilaConfiguration.allow_template_override=NO" in args
    assert "--VoilaConfiguration.show_tracebacks=False" in args
    assert not any(signin.serve_token() in a for a in args)  # never on a command line (ps)
    settings = Settings(content_root=FIXTURES / "content", data_dir=tmp_path / "data")
    assert voila_env(settings)[signin.TOKEN_ENV] == signin.serve_token()


def test_voila_and_so_her_kernels_get_no_course_setting_but_the_service(tmp_path, monkeypatch):
    """Whatever ODP_* settings `odp serve` was started with, Voila (whose environment every
    kernel inherits) gets the service's address, her kernel token and the template path only."""
    from course.serve import signin
    from course.serve.server import voila_env
    from course.service.client import TOKEN_ENV, URL_ENV

    settings = Settings(content_root=FIXTURES / "content", data_dir=tmp_path / "data")
    for name in ("ODP_DATA_DIR", "ODP_LEARNER", "ODP_LINE_MANAGER", "ODP_DEPARTMENT",
                 "ODP_PROFESSION_VIEWER", "ODP_RECORD_KEY", "ODP_CONTENT_ROOT", "ODP_DATABASE_URL",
                 "ODP_HOME_URL", "ODP_GRADEBOOK_URL"):
        monkeypatch.setenv(name, "set-by-the-caller")
    env = voila_env(settings, "http://127.0.0.1:9", "kernel-token", home_sign_in="http://127.0.0.1:9/?token=b")
    odp = {k for k in env if k.startswith("ODP_")}
    assert odp == {URL_ENV, TOKEN_ENV, signin.TOKEN_ENV, signin.HOME_ENV}
    assert env[URL_ENV] == "http://127.0.0.1:9" and env[TOKEN_ENV] == "kernel-token"
    assert str(FIXTURES) not in "".join(v for k, v in env.items() if k != "JUPYTER_PATH")


def test_the_fork_provisioner_is_registered_for_any_jupyter_server():
    from jupyter_client.provisioning import KernelProvisionerFactory

    from course.serve.provisioner import NAME, UnitForkProvisioner

    factory = KernelProvisionerFactory.instance()
    assert factory._check_availability(NAME)
    assert factory.provisioners[NAME].load() is UnitForkProvisioner
