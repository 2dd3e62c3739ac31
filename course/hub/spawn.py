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

from course.serve.voila_options import KERNEL_MANAGER, page_options

SHARE = Path(__file__).resolve().parent.parent / "share" / "jupyter"
EXTENSION = "course.serve.extension"  # Voila's fixes, for a server that runs Voila as an extension
MAX_KERNELS = 12  # her kernels at once, JupyterLab's included: the last defence, as under `odp serve`
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


def server_args(staff: bool, config: Path, max_kernels: int = MAX_KERNELS) -> list[str]:
    """Everyone's server renders unit pages with the same options as ``odp serve``
    (``course.serve.voila_options``) and loads ``config`` (their role's: ``write_server_config``)."""
    return [
        *page_options(max_kernels),
        f"--ServerApp.kernel_manager_class={KERNEL_MANAGER}",
        # Nobody installs lab extensions into the course's environment from a browser; the PyPI
        # manager would also build an HTTP client at every server's start (~0.08 CPU-s).
        "--LabApp.extension_manager=readonly",
        f"--config={config}",
    ]


def server_extensions(staff: bool) -> dict[str, bool]:
    """The course's fixes to Voila for everyone; no nbgrader instructor extension for learners
    (their units come from the course)."""
    off = {} if staff else {f"nbgrader.server_extensions.{name}": False for name in NBGRADER_EXTENSIONS}
    return {**off, EXTENSION: True}


def server_config_name(staff: bool) -> str:
    """The file name of a role's server config (in the hub's ``jupyter`` folder, or the image's)."""
    return f"{'staff' if staff else 'learner'}_server_config.py"


def write_server_config(path: Path, staff: bool) -> None:
    """The server config a learner's (or an assessor's) server loads. ``update`` adds to the
    extensions the installed packages enable (nbgrader's, Voila's), where a value on the command
    line would replace them."""
    who = "an assessor's" if staff else "a learner's"
    path.write_text(
        f'"""Written by `odp hub`: {who} server."""\n'
        f"c = get_config()  # noqa: F821\nc.ServerApp.jpserver_extensions.update({server_extensions(staff)!r})\n")
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
        return server_args(staff, self.server_config(staff))

    def server_config(self, staff: bool) -> Path:
        return self.layout.jupyter / server_config_name(staff)

    @property
    def staff_config_dir(self) -> Path:
        return self.layout.jupyter / "staff"

    def write_configs(self) -> None:
        """The server config every learner's server loads, and the nbgrader config the
        assessors' formgrader loads (``odp hub`` writes them at start)."""
        for staff in (False, True):
            write_server_config(self.server_config(staff), staff)
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
