"""The Voila and kernel options a learner's unit pages run with, in one place: ``odp serve``'s
Voila (``course.serve.server``) and a learner's server under a hub (``course.hub.spawn``) both
take them from here, so the two cannot drift apart.

Standard library only: a hub whose servers run elsewhere (``deploy/kubernetes/hooks.py``)
imports this without the course's dependencies.
"""

from __future__ import annotations

KERNEL_MANAGER = "course.serve.kernels.BoundedKernelManager"
PROVISIONER = "odp-fork"  # course.serve.provisioner.NAME: unit kernels forked, not started
# nbclient waits this long, after a cell's reply, for the rest of its output (its widgets), then
# drops what has not come and goes on: its default of 4 s left busy pages with widgets missing.
IOPUB_SECONDS = 120
REAP_GRACE_SECONDS = 3  # a page whose websocket closed this long ago has gone (not a reconnect)
# JupyterLab extensions the course pages do not use: each is more JavaScript for every page to
# fetch and run.
UNUSED_FRONT_END = ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension")


def page_options(max_kernels: int, cull_idle_seconds: int = 900, cull_interval_seconds: int = 60,
                 join_grace_seconds: int = 60) -> list[str]:
    """Command-line options for any server that renders unit pages, Voila's app or a Jupyter
    server with Voila as an extension. Where the kernel manager class goes differs (Voila's
    ``multi_kernel_manager_class``, the server's ``kernel_manager_class``): the caller adds it."""
    return [
        "--VoilaConfiguration.template=odp",
        "--VoilaConfiguration.show_tracebacks=False",
        # `?template=NAME` could hang a page on an unknown name and strand its kernel.
        "--VoilaConfiguration.allow_template_override=NO",
        f"--VoilaConfiguration.extension_denylist={list(UNUSED_FRONT_END)!r}",
        "--VoilaConfiguration.file_allowlist=['.*\\.(png|svg|css)']",
        # A busy server reads a cell's widgets late; wait for them rather than drop them.
        f"--VoilaExecutor.iopub_timeout={IOPUB_SECONDS}",
        # Unit kernels are forked from a server that has imported the course (provisioner.py).
        f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER}",
        # No more than max_kernels at once (Voila #617): a page beyond the bound gets HTTP 503.
        f"--BoundedKernelManager.max_kernels={max_kernels}",
        # A page that has gone releases its kernel within seconds; idle ones are culled too.
        f"--BoundedKernelManager.reap_grace_seconds={REAP_GRACE_SECONDS}",
        # A page no browser ever connected to (a bot, a prefetch) does not hold its kernel either.
        f"--BoundedKernelManager.join_grace_seconds={join_grace_seconds}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_interval_seconds}",
    ]
