"""The course's JupyterHub settings under Zero to JupyterHub (KubeSpawner), loaded by
values.yaml's ``hub.extraConfig``.

The hub image (Dockerfile.hub) installs the ``course`` package without its dependencies and puts
this file on the path as ``odp_k8s_hooks``. Each person's server starts as ``odp hub`` starts it
(``course.hub.spawn``: the same environment, arguments and learner config), with the paths of
the single-user image (Dockerfile.singleuser) instead of this machine's. What differs on
Kubernetes is where files come from:

- a learner's released units are copied into her own volume by an init container that runs the
  course's own ``release.fetch_all``, with only the exchange's ``outbound`` folder mounted, read
  only; her server's container never mounts the exchange;
- an assessor's server also mounts the exchange and the nbgrader course folder (ReadWriteMany);
- nothing secret reaches either: the banks are mounted into the course service's pod alone
  (course-service.yaml), the course secret into it and the marking app's (marking-service.yaml),
  which checks the records it shows.

The marking app is the hub service ``marking``, as under ``odp hub``: its OAuth settings and the
role that lets the assessors' group alone open it are ``course.hub.marking``'s, added here, so the
two hubs cannot differ. values.yaml gives its address (so the chart makes its token).

Only the standard library, ``course.hub.spawn`` and ``course.hub.marking`` are imported, so the
tests run every hook here against a fake spawner, with no cluster and no kubespawner.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from course.hub import marking
from course.hub.spawn import (SERVER_TOKEN_SCOPES, STAFF_GROUP_PREFIX, is_staff, server_args, server_config_name,
                              server_environment)

# Where things are inside the single-user image (Dockerfile.singleuser) and its pod.
IMAGE_PREFIX = Path("/opt/odp")  # the image's virtual environment
IMAGE_SHARE = IMAGE_PREFIX / "lib" / "python3.11" / "site-packages" / "course" / "share" / "jupyter"
IMAGE_CONFIGS = Path("/etc/odp/jupyter")  # each role's server config (Dockerfile.singleuser writes them)
HOME = Path("/home/jovyan")  # singleuser.storage.homeMountPath: her own volume
UID, GID = 1000, 100  # singleuser.uid / fsGid
EXCHANGE = Path("/srv/odp/exchange")
COURSE_DIR = Path("/srv/odp/course")
COURSE_ID = "odp"  # ODP_HUB_COURSE_ID's default: one nbgrader course for the programme
ASSESSORS = f"{STAFF_GROUP_PREFIX}{COURSE_ID}"  # the group that marks (from the identity provider)

# Kubernetes objects course-service.yaml makes.
EXCHANGE_CLAIM = "odp-exchange"
COURSE_CLAIM = "odp-course"
SERVICE_URL = "http://odp-course:8080/services/course"  # kernels reach the service in-cluster


def learner_environment(service_url: str = SERVICE_URL) -> dict[str, str]:
    return server_environment(service_url, share=IMAGE_SHARE, bin_dir=IMAGE_PREFIX / "bin")


def staff_environment() -> dict[str, str]:
    """An assessor's extras: the exchange and the nbgrader course folder. Not the content root
    or the service's data folder: the banks, the secret and the hand-in notes stay in the
    service's pod, where autograding runs (README.md)."""
    return {"ODP_EXCHANGE_DIR": str(EXCHANGE), "ODP_COURSE_DIR": str(COURSE_DIR)}


def fetch_units_container(image: str, home_mount: dict) -> dict:
    """The init container that copies released units she does not have yet into her volume,
    with the course's own ``release.fetch_all`` (a unit she already has is never touched)."""
    code = ("from pathlib import Path; from course.hub.release import fetch_all; "
            f"fetch_all(Path({str(EXCHANGE)!r}), {COURSE_ID!r}, Path({str(HOME)!r}), {UID}, {GID})")
    outbound = EXCHANGE / COURSE_ID / "outbound"
    return {
        "name": "fetch-units",
        "image": image,
        "command": [str(IMAGE_PREFIX / "bin" / "python"), "-c", code],
        "securityContext": {"runAsUser": UID, "runAsGroup": GID, "allowPrivilegeEscalation": False},
        "volumeMounts": [
            home_mount,
            {"name": "exchange", "mountPath": str(outbound), "subPath": f"{COURSE_ID}/outbound",
             "readOnly": True},
        ],
    }


def _name(item) -> str | None:
    return item.get("name") if isinstance(item, dict) else getattr(item, "name", None)


def _with(items, item: dict):
    """``items`` with ``item`` in it once (a respawn reruns the hook on the same spawner).
    KubeSpawner takes a list or, as z2jh 4 gives it, a dict keyed by name."""
    if isinstance(items, dict):
        return {**items, item["name"]: item}
    return [*[i for i in items if _name(i) != item["name"]], item]


def _home_mount(spawner) -> dict:
    """Her own volume's mount (singleuser.storage), for the init container to write to."""
    mounts = spawner.volume_mounts.values() if isinstance(spawner.volume_mounts, dict) else spawner.volume_mounts
    for mount in mounts:
        if isinstance(mount, dict) and mount.get("mountPath") == str(HOME):
            return {k: mount[k] for k in ("name", "mountPath", "subPath") if mount.get(k)}
    raise RuntimeError(f"no volume is mounted at {HOME}: values.yaml's singleuser.storage "
                       f"(type dynamic, homeMountPath {HOME}) gives each person hers")


async def pre_spawn(spawner) -> None:
    """KubeSpawner's ``pre_spawn_hook``: her server's environment, arguments and volumes."""
    staff = is_staff(spawner.user.groups)
    spawner.environment = {**spawner.environment, **learner_environment(),
                           **(staff_environment() if staff else {})}
    spawner.args = server_args(staff, IMAGE_CONFIGS / server_config_name(staff))
    spawner.volumes = _with(spawner.volumes, {"name": "exchange",
                                              "persistentVolumeClaim": {"claimName": EXCHANGE_CLAIM}})
    spawner.init_containers = _with(spawner.init_containers,
                                    fetch_units_container(spawner.image, _home_mount(spawner)))
    if staff:  # her server's own container mounts the exchange only if she is an assessor
        spawner.volumes = _with(spawner.volumes, {"name": "course",
                                                  "persistentVolumeClaim": {"claimName": COURSE_CLAIM}})
        spawner.volume_mounts = _with(spawner.volume_mounts, {"name": "exchange", "mountPath": str(EXCHANGE)})
        spawner.volume_mounts = _with(spawner.volume_mounts, {"name": "course", "mountPath": str(COURSE_DIR)})
        spawner.notebook_dir = str(COURSE_DIR)


def add_marking(c) -> None:
    """The marking service's OAuth settings and its role (``access:services!service=marking`` for
    the assessors' group only), as ``odp hub`` sets them. The chart has already made
    ``c.JupyterHub.services`` and ``load_roles`` lists from values.yaml's ``hub.services`` and
    ``hub.loadRoles``."""
    entry = next((s for s in c.JupyterHub.services if s.get("name") == marking.NAME), None)
    if entry is None:
        raise RuntimeError(f"values.yaml has no hub.services.{marking.NAME}: the marking app "
                           "(marking-service.yaml) needs its address there, and the token the chart makes")
    entry.update(marking.oauth())
    roles = [r for r in c.JupyterHub.get("load_roles", []) if r.get("name") != marking.ROLE]
    c.JupyterHub.load_roles = [*roles, marking.role(ASSESSORS)]


def configure(c, environ: Mapping[str, str] = os.environ) -> None:
    """What ``hub.extraConfig`` runs: the settings z2jh's values cannot express. The hub's
    database URL comes from the odp-hub-db Secret (values.yaml's ``hub.extraEnv``)."""
    c.JupyterHub.db_url = environ["ODP_HUB_DB_URL"]
    c.JupyterHub.default_url = "/services/course/"  # land on the course home, as under `odp hub`
    c.KubeSpawner.pre_spawn_hook = pre_spawn
    c.KubeSpawner.server_token_scopes = SERVER_TOKEN_SCOPES
    add_marking(c)
