"""The grading kernels: each in the submission's private folder, with a minimal environment,
in the grading sandbox when the grader can make one (``course.grading.sandbox``).

``GradingKernelManager`` is the ``AsyncKernelManager`` nbclient uses (``IsolatedExecute`` makes
it for stock ``nbgrader autograde`` too), with these changes:

- the kernel's environment is :func:`course.grading.sandbox.kernel_env` and nothing else: no
  course folder, gradebook URL or key reaches it;
- its sockets are Unix sockets and its connection file is in its own folder (so a sandboxed
  kernel, which has no network at all, can read and bind them; kernels started at once by
  several workers cannot clash over a TCP port either);
- with a sandbox, its process enters it before the kernel starts (root mode: the sandbox user;
  rootless mode: namespaces of its own, the kernel one fork further down).

``ForkKernelManager`` (`odp grade`) is the same with kernels forked from a fork server that has
imported ipykernel, IPython and the course once (``course.forking``); each child is a new
process that has run no learner's code, so no state passes from one learner to the next. The
fork server is started with the minimal environment and reads nothing of the course's, so a
child holds nothing secret in memory either.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from jupyter_client import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from course.forking import ForkedProcess, ForkProvisioner, ForkServer
from course.grading.sandbox import KEPT_ENV, Sandbox, kernel_env

# What every unit notebook imports, and the grading cells: what each child no longer imports.
PRELOAD = ("course.notebook", "course.grading.cells", "course.grading.sandbox")
SERVER = ForkServer(PRELOAD, env={k: os.environ[k] for k in KEPT_ENV if k in os.environ})


class SandboxProvisioner(LocalProvisioner):
    """jupyter_client's provisioner; the kernel's process enters the sandbox before it starts."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        sandbox = getattr(self.parent, "sandbox", None)
        if sandbox is not None:
            kwargs["preexec_fn"] = sandbox.enter
        return await super().launch_kernel(cmd, **kwargs)


class GradingForkProvisioner(ForkProvisioner):
    server = SERVER

    def sandbox_request(self) -> dict | None:
        sandbox = getattr(self.parent, "sandbox", None)
        return sandbox.to_dict() if sandbox is not None else None


class GradingKernelManager(AsyncKernelManager):
    """A grading kernel: minimal environment, Unix sockets in its folder, sandboxed if set."""

    sandbox: Sandbox | None = None   # set by IsolatedExecute before the kernel starts
    provisioner_class: type = SandboxProvisioner

    async def _async_pre_start_kernel(self, **kw: Any):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        work = Path(kw.get("cwd") or os.getcwd()).resolve()
        self.transport, self.ip = "ipc", str(work / ".kernel")
        self.connection_file = str(work / ".kernel.json")
        kw["env"] = kernel_env(work)
        if self.provisioner is None:
            self.provisioner = self.provisioner_class(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                      parent=self)
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        # jupyter_client merged the kernel spec's env into ours: keep ours only.
        kw["env"] = kernel_env(work)
        if self.sandbox is not None:  # the kernel reads its connection file as the sandbox user
            os.chown(self.connection_file, self.sandbox.uid, self.sandbox.gid)
        return cmd, kw


class ForkKernelManager(GradingKernelManager):
    """A grading kernel forked from the fork server."""

    provisioner_class = GradingForkProvisioner

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After a kill, jupyter_client polls every 0.1 s until the kernel has gone.
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, ForkedProcess):
            await process.ended()
        else:
            await super()._async_wait(pollinterval)
