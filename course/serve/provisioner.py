"""Unit kernels forked from a pre-imported fork server (``course.forking``), for the learner's
own server: Voila under ``odp serve``, or a JupyterHub single-user server with Voila as a
server extension (where Voila has no kernel pools).

It is a jupyter_client kernel provisioner, registered as ``odp-fork`` under the
``jupyter_client.kernel_provisioners`` entry point, so any Jupyter server selects it with
configuration alone::

    c.KernelProvisionerFactory.default_provisioner_name = "odp-fork"

(``odp serve`` passes that on Voila's command line; ``jupyter_server_config.py`` does it under a
hub), or per kernelspec with ``"metadata": {"kernel_provisioner": {"provisioner_name":
"odp-fork"}}``. The fork server is a child of the learner's server and runs as that user, with
that server's environment: it holds nothing the learner's kernel would not be given anyway.
"""

from __future__ import annotations

import os

from course.forking import ForkProvisioner, ForkServer

NAME = "odp-fork"
# What a unit page's kernel imports before its first widget: ipywidgets and the course's
# widgets, content model and record (course.notebook), and what their first cell needs.
PRELOAD = ("course.notebook", "course.serve.preheat", "voila.utils")
# More modules a server's kernels need, comma-separated: the marking app's server sets it to
# the app (course/marking/server.py), whose kernel would otherwise import nbgrader's gradebook.
EXTRA_PRELOAD_ENV = "ODP_FORK_PRELOAD"


def preload_for(environ) -> tuple[str, ...]:
    """What a server with ``environ`` has its fork server import."""
    return PRELOAD + tuple(m.strip() for m in environ.get(EXTRA_PRELOAD_ENV, "").split(",") if m.strip())


SERVER = ForkServer(preload_for(os.environ))


class UnitForkProvisioner(ForkProvisioner):
    server = SERVER


def start_if_used(parent) -> None:
    """Start the fork server now, in a thread, if ``parent`` (a Voila app or a Jupyter server)
    forks its kernels: the first page then does not wait for its imports."""
    import threading

    from jupyter_client.provisioning import KernelProvisionerFactory

    if KernelProvisionerFactory.instance(parent=parent).default_provisioner_name == NAME:
        threading.Thread(target=SERVER.start, name="odp-fork-server", daemon=True).start()


def uses_fork_server(args: list[str]) -> bool:
    """Whether a server started with ``args`` (its command line) forks its kernels."""
    return f"--KernelProvisionerFactory.default_provisioner_name={NAME}" in args


def start_here(environ) -> None:
    """Fork the fork server from this process now (``course.hub.zygote``'s server, before it
    starts: its modules are imported already), with the preload ``environ`` asks for; the
    environment was read at import, in the zygote, which has none of the server's."""
    SERVER.preload = ForkServer(preload_for(environ)).preload
    SERVER.start_here()
