"""The marking app as the hub service ``marking`` (``/services/marking/``), for assessors only.

One Voila server for every assessor, run by the hub as ``odp-marking`` (a system user in the
staff group, not the course service's user: the app's kernels could otherwise read the service's
environment, which holds the store's password). Who may open it is the hub's RBAC: the role
``marking`` gives ``access:services!service=marking`` to the ``formgrade-<course>`` group only,
and the app checks that scope on every request (``course.hub.marking_app``). Who is marking comes
from the signed-in assessor's hub identity, per page, never from the environment: nothing here
sets ``ODP_ASSESSOR``.

This module builds the service's entry for ``c.JupyterHub.services``; it imports the course's
modules only inside :func:`service`, so the hub's config loads it cheaply.
"""

from __future__ import annotations

import sys
from pathlib import Path

from course.hub.layout import HubLayout

NAME = "marking"
PREFIX = f"/services/{NAME}/"
ROLE = "marking"
# The hub group whose members may mark (the app checks it too); its presence also tells the
# marking settings that each page's assessor must come from the hub (course/marking/settings.py).
GROUP_ENV = "ODP_MARKING_GROUP"
HOSTS_ENV = "ODP_PUBLIC_HOSTS"    # Host headers the hub's proxy forwards (as for the course service)
# Not given to the app: who is marking is per request, and the app's own sign-in token is not
# used under the hub (the hub signs people in).
NOT_PASSED = ("ODP_ASSESSOR", "ODP_SERVE_TOKEN")


def oauth() -> dict:
    """The service's OAuth settings in the hub (here and on Kubernetes, deploy/kubernetes/hooks.py):
    no confirmation page; the app reads the assessor's groups to check them a second time."""
    return {"oauth_no_confirm": True, "oauth_client_allowed_scopes": ["read:users:groups!user"]}


def command(port: int) -> list[str]:
    """``course.marking.server.voila_args``, run by this package's Voila (hub sign-in, the
    assessor from the hub, the proxy's Host) under the service's prefix."""
    from course.marking.server import voila_args

    args = voila_args(port=port, host="127.0.0.1", forked=True)
    module = args.index("course.serve.app")  # [python, -m, course.serve.app, notebook, ...]
    args[module] = "course.hub.marking_app"
    return [*args, f"--Voila.base_url={PREFIX}",
            "--Voila.identity_provider_class=jupyterhub.singleuser.extension.JupyterHubIdentityProvider",
            "--Voila.authorizer_class=jupyterhub.singleuser.extension.JupyterHubAuthorizer"]


def environment(layout: HubLayout, content_root: Path, gradebook_url: str, assessors: str,
                public_hosts: list[str]) -> dict[str, str]:
    """What the app and its kernels read: the course folder, the gradebook, the hand-in notes
    and secret (staff group read), the marking settings. No assessor."""
    from course.config import Settings
    from course.marking.server import voila_env
    from course.marking.settings import MarkingSettings

    home = layout.marking
    # Jupyter's and IPython's own files in its home folder of this hub, even when the account was
    # made by an earlier hub with another folder (the hub sets HOME from the account).
    base = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_CONFIG_DIR": str(home / "config"), "IPYTHONDIR": str(home / "ipython"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_CONFIG_HOME": str(home / "config"),
            "MPLCONFIGDIR": str(home / "matplotlib")}
    env = voila_env(MarkingSettings(course_dir=layout.course, assessor=""),
                    Settings(content_root=content_root, data_dir=layout.service), base=base)
    for name in NOT_PASSED:
        env.pop(name, None)
    return {**env, "ODP_GRADEBOOK_URL": gradebook_url, GROUP_ENV: assessors,
            HOSTS_ENV: ",".join(public_hosts)}


def service(layout: HubLayout, content_root: Path, *, port: int, user: str, gradebook_url: str,
            assessors: str, public_hosts: list[str]) -> dict:
    """The entry for ``c.JupyterHub.services``."""
    return {
        "name": NAME,
        "url": f"http://127.0.0.1:{port}",
        "command": command(port),
        "user": user,
        "cwd": str(layout.marking),
        "environment": environment(layout, content_root, gradebook_url, assessors, public_hosts),
        **oauth(),
    }


def role(assessors: str) -> dict:
    """Only the course's assessors may open the marking app (learners and managers get 403)."""
    return {"name": ROLE, "groups": [assessors], "scopes": [f"access:services!service={NAME}"]}
