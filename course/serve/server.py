"""Starting Voila over a learner's working folder: the course template, the tracking store,
unit kernels forked from a pre-imported server (optionally preheated too), a bounded number of
kernels reaped when their page goes, and a token and Host check on every request.
See ``docs/serve.md``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.config import Settings
from course.content import CourseContent, UnitEntry, require_course
from course.exceptions import CourseError
from course.serve import signin, workspace
from course.service.client import TOKEN_ENV, URL_ENV

from course.serve.voila_options import KERNEL_MANAGER, page_options

SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"


@dataclass(frozen=True)
class Pools:
    """Which notebooks get preheated kernels (paths relative to the learner's folder)."""

    pooled: list[str]
    unpooled: list[str]
    size: int

    @property
    def kernels(self) -> int:
        return len(self.pooled) * self.size


def plan_pools(folder: Path, pooled_units: list[str], size: int) -> Pools:
    """Pool the learner's own unit apps (the folder holds units only; the rest stay unpooled)."""
    every = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    pooled = [nb for nb in every if nb in pooled_units] if size > 0 else []
    return Pools(pooled, [nb for nb in every if nb not in pooled], size)


def voila_args(settings: Settings, folder: Path, pools: Pools | None = None) -> list[str]:
    pools = pools or Pools([], [], 0)
    args = [
        sys.executable, "-m", "course.serve.app", str(folder),  # Voila, see app.py
        "--no-browser",
        f"--port={settings.port}",
        f"--Voila.ip={settings.host}",
        # The options every server of unit pages shares (a hub's too), then Voila's own.
        *page_options(settings.max_kernels, settings.cull_idle_seconds, settings.cull_interval_seconds,
                      settings.join_grace_seconds),
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        "--Voila.port_retries=0",  # the Host check names the port: never move to another
        "--IdentityProvider.cookie_options={'samesite': 'Lax', 'httponly': True}",
    ]
    if pools.pooled:
        # Voila 0.5 matches these against each notebook's absolute path (and once against
        # its path in the folder): list both, anchored, so nothing else is caught.
        denylist = [re.escape(str(folder.resolve() / nb)) + "$" for nb in pools.unpooled]
        denylist += [re.escape(nb) + "$" for nb in pools.unpooled]
        args += ["--VoilaConfiguration.preheat_kernel=True",
                 f"--VoilaConfiguration.default_pool_size={pools.size}",
                 f"--VoilaKernelManager.fill_delay={settings.pool_refill_seconds}",
                 f"--VoilaKernelManager.preheat_denylist={denylist!r}"]
    return args


# What a unit kernel needs from the course's environment, passed through if set: nothing else
# named ODP_* reaches it (the data folder, the store, who she is, which dashboards: the service's).
KERNEL_PASSTHROUGH = ("ODP_OWN_DATA_DIR",)
LEARNER_ENV = "ODP_LEARNER"  # course/identity.py


def voila_env(settings: Settings, service_url: str | None = None, kernel_token: str | None = None,
              home_sign_in: str | None = None) -> dict[str, str]:
    """Voila's environment, which the learner's kernels inherit: the Voila template paths, the
    service's address and her kernel's own token (learner role only), never a key, the data
    folder, the content root or a viewer setting. Voila's own token and ``home_sign_in`` (where
    its ``/`` sends her, signed in to the service) are taken out before any kernel starts (app.py)."""
    jupyter_path = os.pathsep.join(p for p in (str(SHARE), os.environ.get("JUPYTER_PATH", "")) if p)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ODP_") or k in KERNEL_PASSTHROUGH}
    env["JUPYTER_PATH"] = jupyter_path
    env[signin.TOKEN_ENV] = signin.serve_token()  # Voila takes it out of its environment (app.py)
    if home_sign_in:
        env[signin.HOME_ENV] = home_sign_in  # taken out too
    if service_url and kernel_token:
        env.update({URL_ENV: service_url, TOKEN_ENV: kernel_token})  # who she is: from the token
    else:  # no service (a test's bare Voila): the record is kept in her folder, under her name
        env[LEARNER_ENV] = settings.learner
    return env


def pathway_units(course: CourseContent, qualification_id: str | None) -> list[UnitEntry]:
    """The units with an app on the learner's qualification (catalogue order); if the learner
    has none on record, those of the lowest level qualification that has any."""
    available = [e for e in course.entries if e.notebook is not None]
    mine = [e for e in available if e.qualification.id == qualification_id]
    if mine or not available:
        return mine
    first = min((e.qualification for e in available), key=lambda q: (q.level, q.id))
    return [e for e in available if e.qualification.id == first.id]


def prepare(settings: Settings, course: CourseContent) -> tuple[Path, Pools]:
    """Everything before Voila starts: the store (created and filled on first run), the
    learner's folder and the kernel pools. Her answers reach the store through the service."""
    os.umask(0o077)  # the data folder, records and store: this user's alone
    from course.tracking.db import make_engine, session_factory
    from course.tracking.demo import prepare_store
    from course.tracking.models import Learner

    prepare_store(settings, course)
    folder = workspace.prepare(course, settings.data_path, settings.learner)
    engine = make_engine(settings.db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            me = session.get(Learner, settings.learner)
            qualification = me.qualification_id if me else None
    finally:
        engine.dispose()
    units = [f"{e.unit.id}/{e.notebook.name}" for e in pathway_units(course, qualification)]
    pools = plan_pools(folder, units, settings.pool_size)
    if pools.kernels >= settings.max_kernels:
        raise CourseError(
            f"max_kernels ({settings.max_kernels}) must be more than the {pools.kernels} "
            f"preheated kernels ({len(pools.pooled)} unit apps x pool_size {pools.size}), "
            "or no page could ever open: raise ODP_MAX_KERNELS or lower ODP_POOL_SIZE")
    return folder, pools


def run(settings: Settings) -> None:
    from course.service import running
    from course.tracking.db import session_scope

    from course.record.keys import course_secret

    course = require_course(settings.content_root)
    folder, pools = prepare(settings, course)
    course_secret(settings.data_path)  # made before any server starts, and only the service reads it
    with session_scope(settings.db_url) as session:
        creds = running.issue_credentials(session, settings.learner)
    service_port = settings.service_port or running.free_port(settings.host)
    service_url = f"http://{settings.host}:{service_port}"
    app_url = f"http://{settings.host}:{settings.port}/voila/render/"
    running.write_info(settings.data_path, service_url, creds.assessor)
    service = running.start_service(settings, service_port, app_url, signin.serve_token())
    voila = subprocess.Popen(voila_args(settings, folder, pools),
                             env=voila_env(settings, service_url, creds.kernel,
                                           home_sign_in=f"{service_url}/?token={creds.browser}"))
    print(f"Course for {settings.learner}: open {service_url}/?token={creds.browser}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    children = (voila, service)

    def stop(signum, _frame) -> None:  # stopping `odp serve` stops both, never leaving one behind
        for child in children:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        voila.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches both as well: give them time to shut down
        pass
    finally:
        for child in children:
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
