"""Kernels started ahead of need, for `odp grade`: forked from a pre-imported process.

On two cores, starting a fresh kernel for each submission was most of the cost of grading it.
Here each grading worker has a fork server (``course.forking``) that has imported ipykernel,
IPython and the course once, and forks one child per submission. Each child is a new process
that has run no learner's code, so no state passes from one learner to the next, as with
nbgrader's own fresh kernels.

``ForkKernelManager`` is the ``AsyncKernelManager`` nbclient uses, with one change: its
provisioner asks the fork server for the process instead of ``Popen``. Everything else
(connection file, cwd, environment, interrupt, shutdown) is jupyter_client's and nbclient's, so
nbgrader's ``Execute`` runs it as it would any kernel.
"""

from __future__ import annotations

import uuid
from typing import Any

from jupyter_client import AsyncKernelManager

from course.forking import ForkedProcess, ForkProvisioner, ForkServer

# What every unit notebook imports, and the grading cells: what each child no longer imports.
PRELOAD = ("course.notebook", "course.grading.cells")
SERVER = ForkServer(PRELOAD)


class GradingForkProvisioner(ForkProvisioner):
    server = SERVER


class ForkKernelManager(AsyncKernelManager):
    """nbclient's ``AsyncKernelManager``, with ipykernel kernels forked from the fork server."""

    async def _async_pre_start_kernel(self, **kw: Any):
        self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
        if self.provisioner is None:
            self.provisioner = GradingForkProvisioner(kernel_id=self.kernel_id,
                                                      kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After a kill, jupyter_client polls every 0.1 s until the kernel has gone.
        process = getattr(self.provisioner, "process", None)
        if isinstance(process, ForkedProcess):
            await process.ended()
        else:
            await super()._async_wait(pollinterval)
