"""What each person's server starts with under ``odp hub``.

A learner's server holds nothing secret: the service's address, the course's own Voila template
and kernel provisioner, and her hub token (the hub puts it there; it is good for her own server
and the course service only). Her released units are copied in before it starts, off the hub's
event loop (a slow copy there froze every user's page in a spike: docs/hub.md). Assessors also
get what grading needs: the course folder, the exchange, the service's hand-in notes.
"""

from __future__ import annotations

import asyncio
import pwd
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from course.hub.layout import HubLayout

SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"
NBGRADER_EXTENSIONS = ("formgrader", "course_list", "assignment_list", "validate_assignment")
STAFF_GROUP_PREFIX = "formgrade-"  # nbgrader's multi-user group of a course's assessors
# What a person's server token may do: her own server, and the course service as her.
SERVER_TOKEN_SCOPES = ["access:servers!server", "users:activity!user",
                       "access:services!service=course", "read:users:groups!user"]


# The pieces below take their paths as arguments so that a hub whose servers run elsewhere (a
# Kubernetes pod, deploy/kubernetes/hooks.py) starts them the same way. This module imports
# only the standard library at the top, so such a hub can import it without the course's
# dependencies.

def is_staff(groups: Iterable) -> bool:
    """An assessor: in a ``formgrade-…`` group (each group has a ``name``)."""
    return any(g.name.startswith(STAFF_GROUP_PREFIX) for g in groups)


def server_environment(service_url: str, share: Path = SHARE,
                       bin_dir: Path = Path(sys.executable).parent) -> dict[str, str]:
    """Everyone's server: nothing here is secret."""
    return {"ODP_SERVICE_URL": service_url, "ODP_HOME_URL": "/services/course/",
            "JUPYTER_PATH": str(share), "PATH": f"{bin_dir}:/usr/bin:/bin"}


def server_args(staff: bool, learner_config: Path) -> list[str]:
    args = [
        "--VoilaConfiguration.template=odp",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.allow_template_override=NO",
        "--KernelProvisionerFactory.default_provisioner_name=odp-fork",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
    ]
    if not staff:  # no nbgrader extension for learners: units come from the course
        args.append(f"--config={learner_config}")
    return args


def write_learner_config(path: Path) -> None:
    """The server config every learner's server loads: no nbgrader instructor extension."""
    off = {f"nbgrader.server_extensions.{name}": False for name in NBGRADER_EXTENSIONS}
    path.write_text(
        '"""Written by `odp hub`: a learner\'s server (no nbgrader instructor extension)."""\n'
        f"c = get_config()  # noqa: F821\nc.ServerApp.jpserver_extensions = {off!r}\n")
    path.chmod(0o644)


def write_staff_nbgrader_config(folder: Path, content_root: Path) -> None:
    """The course's nbgrader config, where an assessor's formgrader looks for it. His server
    runs in his home, so nbgrader's own search (the working folder) would not find the course
    folder's; this one is root's and not writable by the staff group, so no assessor can put
    code in another's server through it."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    path = folder / "nbgrader_config.py"
    path.write_text(
        '"""Written by `odp hub`: the course\'s nbgrader config, for the assessors\' formgrader."""\n'
        f"c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(content_root / 'autograder' / 'nbgrader_config.py')!r})  # noqa: F821\n")
    path.chmod(0o644)


@dataclass(frozen=True)
class SpawnPlan:
    layout: HubLayout
    content_root: Path
    course_id: str
    service_url: str  # how kernels reach the course service directly (127.0.0.1)
    gradebook_url: str = ""  # nbgrader's gradebook in the course's PostgreSQL: staff only

    def environment(self) -> dict[str, str]:
        """Everyone's server: nothing here is secret."""
        return server_environment(self.service_url)

    def staff_environment(self) -> dict[str, str]:
        return {"ODP_CONTENT_ROOT": str(self.content_root), "ODP_DATA_DIR": str(self.layout.service),
                "ODP_EXCHANGE_DIR": str(self.layout.exchange), "ODP_COURSE_DIR": str(self.layout.course),
                # the formgrader finds the course's nbgrader config here (the server runs in his home)
                "JUPYTER_CONFIG_PATH": str(self.staff_config_dir),
                **({"ODP_GRADEBOOK_URL": self.gradebook_url} if self.gradebook_url else {})}

    def args(self, staff: bool) -> list[str]:
        return server_args(staff, self.learner_config)

    @property
    def learner_config(self) -> Path:
        return self.layout.jupyter / "learner_server_config.py"

    @property
    def staff_config_dir(self) -> Path:
        return self.layout.jupyter / "staff"

    def write_configs(self) -> None:
        """The server config every learner's server loads, and the nbgrader config the
        assessors' formgrader loads (``odp hub`` writes them at start)."""
        write_learner_config(self.learner_config)
        write_staff_nbgrader_config(self.staff_config_dir, self.content_root)

    async def before_start(self, spawner) -> None:
        """The hub's pre-spawn hook."""
        from course.hub import release  # here, not at the top: it loads the course's content model

        name = spawner.user.name
        staff = is_staff(spawner.user.groups)
        account = pwd.getpwnam(name)
        await asyncio.to_thread(release.fetch_all, self.layout.exchange, self.course_id,
                                Path(account.pw_dir), account.pw_uid, account.pw_gid)
        spawner.environment = {**self.environment(), **(self.staff_environment() if staff else {})}
        spawner.args = self.args(staff)
        if staff:
            spawner.notebook_dir = str(self.layout.course)
