"""``odp hub``: set up this machine's multi-user course, then run JupyterHub until stopped.

Setting up is idempotent, so starting again after a stop (or a crash) reuses what is there:

1. the course's OS accounts and groups: ``odp-service`` (the course service), ``odp-marking``
   (the marking app), ``odp-db`` (the database), the ``odp-staff`` group (service, marking app
   and assessors);
2. the hub folder and its modes (layout.py), then a check that nothing private is readable by
   other users, every enrolled person's home included;
3. the item banks in the checkout made readable by the staff group only;
4. the course's own PostgreSQL cluster, its three databases, and the store's schema;
5. the course secret, for the service (and the staff group, which grades: docs/hub.md);
6. the exchange, and every unit released to it; the assessors' nbgrader course folder;
7. JupyterHub, which starts the proxy, the course service, the marking app and the idle culler.

Before all that it starts the zygote (``course.hub.zygote``), which every person's server is
forked from (``ODP_HUB_ZYGOTE``).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from course.config import Settings
from course.content import require_course
from course.exceptions import CourseError
from course.hub import accounts, release
from course.hub.layout import HubLayout, check_homes, check_private
from course.hub.postgres import Cluster
from course.hub.roster import PEOPLE_GROUP
from course.reachable import let_others_through

CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"
PROXY = Path(__file__).resolve().parent / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
SECRET_FILE = "course-secret.key"  # course.record.keys


def set_up(settings: Settings) -> HubLayout:
    if os.geteuid() != 0:
        raise CourseError("odp hub runs as root: it makes OS accounts and starts each person's "
                          "server as that person (run it with sudo)")
    if not PROXY.exists():
        raise CourseError(f"JupyterHub's proxy is not installed ({PROXY}): run `make hub-deps`")
    let_others_through(lambda line: print(f"odp hub: {line}", flush=True))
    layout = HubLayout(settings.hub_dir)
    staff, service_user = settings.hub_staff_group, settings.hub_service_user
    layout.root.mkdir(parents=True, exist_ok=True)
    layout.root.chmod(0o755)
    accounts.ensure_group(staff)
    accounts.ensure_system_user(service_user, layout.service, staff)
    accounts.chown(layout.service, service_user, staff)
    layout.service.chmod(0o750)
    # the marking app's own user (course/hub/marking.py), in the staff group, home 0700
    accounts.ensure_system_user(settings.hub_marking_user, layout.marking, staff)
    accounts.chown(layout.marking, settings.hub_marking_user, staff)
    layout.marking.chmod(0o700)
    for folder in (layout.runtime, layout.jupyter):
        folder.mkdir(exist_ok=True)
    layout.runtime.chmod(0o700)
    known = layout.read_secrets()

    course = require_course(settings.content_root)
    banks = settings.content_root / "autograder" / "banks"
    for path in [banks, *banks.rglob("*")]:
        accounts.chown(path, None, staff)
        path.chmod(0o750 if path.is_dir() else 0o640)

    cluster = Cluster(layout.postgres, layout.postgres_run, settings.hub_postgres_port)
    cluster.init()
    cluster.start()
    cluster.ensure_database("hub", "odp_hub", known["db_hub"])
    store = cluster.ensure_database("course", "odp_service", known["db_service"])
    cluster.ensure_database("gradebook", "odp_grader", known["db_grader"])
    from course.tracking.migrations import upgrade_to_head

    upgrade_to_head(store)

    secret = layout.service / SECRET_FILE
    if not secret.exists():
        fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    accounts.chown(secret, service_user, staff)
    secret.chmod(0o640)

    release.prepare_exchange(layout.exchange, settings.hub_course_id, staff)
    release.publish(course, layout.exchange, settings.hub_course_id)
    _course_folder(settings, layout)
    from course.hub.spawn import SpawnPlan

    SpawnPlan(layout, settings.content_root, settings.hub_course_id, "").write_configs()

    check_private([layout.service, layout.marking, layout.postgres, layout.runtime, layout.course, banks])
    check_homes([Path(pwd.getpwnam(n).pw_dir) for n in accounts.members(PEOPLE_GROUP)])
    return layout


def _course_folder(settings: Settings, layout: HubLayout) -> None:
    """The assessors' nbgrader course: the checkout's config and sources, their own outputs."""
    folder = layout.course
    folder.mkdir(exist_ok=True)
    accounts.chown(folder, "root", settings.hub_staff_group)
    folder.chmod(0o2770)
    source = folder / "source"
    if not source.is_symlink():
        source.symlink_to(settings.content_root / "autograder" / "source")
    config = folder / "nbgrader_config.py"
    config.write_text(
        '"""Written by `odp hub`: the course\'s nbgrader config, run from this folder."""\n'
        f"c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(settings.content_root / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821\n")
    config.chmod(0o640)
    accounts.chown(config, "root", settings.hub_staff_group)


def hub_env(settings: Settings) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL", "HOME", "TERM")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("ODP_")}
    env["ODP_HUB_DIR"] = str(settings.hub_dir)
    env["ODP_CONTENT_ROOT"] = str(settings.content_root)
    return env


def run(settings: Settings) -> int:
    import fcntl

    settings.hub_dir.mkdir(parents=True, exist_ok=True)
    lock = open(settings.hub_dir / "odp-hub.lock", "w")
    try:  # one `odp hub` per hub folder: a second would stop the first one's database
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise CourseError(f"odp hub is already running for {settings.hub_dir}") from None
    zygote = None
    if settings.hub_zygote and os.geteuid() == 0:
        # First, so its imports run while the hub sets up and the first spawn is forked.
        from course.hub import zygote as zygotes

        runtime = HubLayout(settings.hub_dir).runtime
        runtime.mkdir(mode=0o700, exist_ok=True)
        runtime.chmod(0o700)
        zygote = zygotes.start(runtime)
    layout = set_up(settings)
    hub = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
                           cwd=layout.runtime, env=hub_env(settings))
    print(f"Course hub: open http://{settings.hub_ip}:{settings.hub_port}/ "
          f"(enrol people with `odp hub enrol ROSTER.csv`)", flush=True)

    def stop(signum, _frame) -> None:
        hub.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        code = hub.wait()
    except KeyboardInterrupt:
        hub.send_signal(signal.SIGTERM)
        code = hub.wait(timeout=60)
    if zygote is not None:
        zygote.terminate()
        zygote.wait(10)
    # A hub that fails part-way through its start (a port in use, a bad service) exits without
    # stopping the services it had started; they would hold their ports against the next start.
    stop_processes_of([settings.hub_service_user, settings.hub_marking_user])
    Cluster(layout.postgres, layout.postgres_run, settings.hub_postgres_port).stop()
    return code


def stop_processes_of(users: list[str], grace: float = 10) -> list[int]:
    """Stop every process of these accounts (the hub's service users, which run nothing but the
    hub's services): SIGTERM, then SIGKILL after ``grace`` seconds. The pids it stopped."""
    import psutil

    procs = [p for p in psutil.process_iter(["username"]) if p.info["username"] in users]
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=grace)
    return [p.pid for p in procs]
