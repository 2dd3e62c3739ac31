"""A kernel manager with a bound: at most ``max_kernels`` kernels alive at once (Voila #617).

Voila starts a kernel for every page view and keeps it until the page closes or the culler
reaps it, so without a bound anyone who can reach the server can open pages until memory runs
out. Voila takes the class through ``--VoilaConfiguration.multi_kernel_manager_class`` and
wraps it in its pooling manager when kernels are preheated, so the bound covers both:

- a page that needs a new kernel beyond the bound gets HTTP 503 with a plain message at once,
  never a wait;
- a pool refill beyond the bound is refused too (the pool shrinks; pages then take the
  on-demand path and get the 503 while the server is full);
- when a kernel shuts down (page closed, or culled when idle) the pools are topped up again.

It also reaps the kernel of a page that has gone: when the last websocket of a Voila page's
kernel closes (tab closed, navigated away, reloaded) and no page reconnects within
``reap_grace_seconds``, the kernel is shut down. Only Voila's: under a hub the same server runs
JupyterLab, whose notebooks keep their kernels when their tab closes, as JupyterLab users expect. The page's own close request (``/voila/api/shutdown``) usually gets there
first; this covers a page that could not send it (a crash, a dropped network).

A page kernel that no websocket ever joins (the page was fetched by a bot, a prefetch, or a
browser whose scripts failed) is shut down once it has been idle for ``join_grace_seconds``: long
enough for a slow browser to load the page's scripts and connect, far shorter than the idle
culler's wait, so such requests cannot hold the course's kernels.
"""

from __future__ import annotations

import asyncio
import uuid

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer

VOILA_MARK = "VOILA_PREHEAT"  # in the environment of every kernel Voila starts for a page
BUSY = ("The course is busy: too many course pages are open at once. Close course tabs you "
        "are not using, or try again in a few minutes.")


class CourseBusy(web.HTTPError):
    def __init__(self) -> None:
        super().__init__(503, BUSY, reason="Course busy")


class BoundedKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(
        0, config=True,
        help="Most kernels alive (or starting) at once, pooled ones included; 0 for no bound. "
             "A page that would need one more gets HTTP 503.")

    reap_grace_seconds = Float(
        3.0, config=True,
        help="Shut a kernel down this long after its last page websocket closed, unless a page "
             "reconnects first; 0 turns this off (the idle culler still applies).")

    join_grace_seconds = Float(
        60.0, config=True,
        help="Shut a page's kernel down once it has been idle this long without any websocket "
             "ever joining it (a page fetched without a browser); 0 leaves it to the idle culler.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._reserved: set[str] = set()  # ids being started: counted before they exist
        self._closing = False
        self._reaping: dict[str, asyncio.TimerHandle] = {}
        self._pages: set[str] = set()  # kernels Voila started for a page (reaped when it goes)
        self._joined: set[str] = set()  # page kernels a websocket has connected to

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._joined.add(kernel_id)
        handle = self._reaping.pop(kernel_id, None)
        if handle is not None:
            handle.cancel()  # the page came back (a reconnect after a network blip)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if (self.reap_grace_seconds and kernel_id in self._pages
                and self._kernel_connections.get(kernel_id, 0) <= 0 and kernel_id not in self._reaping):
            loop = asyncio.get_running_loop()
            self._reaping[kernel_id] = loop.call_later(
                self.reap_grace_seconds, lambda: asyncio.ensure_future(self._reap(kernel_id)))

    async def _reap(self, kernel_id: str) -> None:
        self._reaping.pop(kernel_id, None)
        if kernel_id in self and self._kernel_connections.get(kernel_id, 0) <= 0 and not self._closing:
            self.log.info("Reaping kernel %s: its page closed %.0f s ago", kernel_id,
                          self.reap_grace_seconds)
            try:
                await self.shutdown_kernel(kernel_id)
            except KeyError:  # the page's close request shut it down meanwhile
                pass

    def _watch_for_a_join(self, kernel_id: str, delay: float) -> None:
        asyncio.get_running_loop().call_later(
            delay, lambda: asyncio.ensure_future(self._reap_if_never_joined(kernel_id)))

    async def _reap_if_never_joined(self, kernel_id: str) -> None:
        if kernel_id not in self or kernel_id in self._joined or self._closing:
            return
        idle = self._idle_seconds(kernel_id)
        if idle is None or idle < self.join_grace_seconds or self._maybe_pooled(kernel_id):
            # Rendering, still waiting in a pool, or not idle for long enough: look again later.
            self._watch_for_a_join(kernel_id, max(1.0, self.join_grace_seconds - (idle or 0)))
            return
        self.log.info("Reaping kernel %s: no page connected to it, idle %.0f s", kernel_id, idle)
        try:
            await self.shutdown_kernel(kernel_id)
        except KeyError:  # shut down meanwhile
            pass

    def _idle_seconds(self, kernel_id: str) -> float | None:
        """Seconds since the kernel's last message, or None while it is running a cell."""
        kernel = self.get_kernel(kernel_id)
        if getattr(kernel, "execution_state", "idle") == "busy":
            return None
        last = getattr(kernel, "last_activity", None)
        return (utcnow() - last).total_seconds() if last else 0.0

    def _maybe_pooled(self, kernel_id: str) -> bool:
        """True if the kernel waits in one of Voila's pools, or may (a pool entry still starting
        could be it). Voila's own culler looks at its pools the same way."""
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if not task.done():
                    return True
                if not _failed(task) and task.result().get("kernel_id") == kernel_id:
                    return True
        return False

    def live_kernels(self) -> int:
        return len(set(self._kernels) | set(self._pending_kernels) | self._reserved)

    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs) -> str:
        if kernel_id is not None and kernel_id in self:
            return await super().start_kernel(kernel_id=kernel_id, **kwargs)  # reuse
        kernel_id = kernel_id or str(uuid.uuid4())
        # Checked and reserved with no await in between, so concurrent requests cannot all
        # slip under the bound together.
        if self.max_kernels and self.live_kernels() >= self.max_kernels:
            self.log.warning("Refused a kernel: %d live, bound %d", self.live_kernels(),
                             self.max_kernels)
            raise CourseBusy()
        self._reserved.add(kernel_id)
        if VOILA_MARK in (kwargs.get("env") or {}):  # Voila sets it on every page's kernel, pooled or not
            self._pages.add(kernel_id)
        try:
            started = await super().start_kernel(kernel_id=kernel_id, **kwargs)
        except BaseException:
            self._pages.discard(kernel_id)
            raise
        finally:
            self._reserved.discard(kernel_id)
        if kernel_id in self._pages and self.join_grace_seconds:
            self._watch_for_a_join(kernel_id, self.join_grace_seconds)
        return started

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        handle = self._reaping.pop(kernel_id, None)
        if handle is not None:
            handle.cancel()
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._pages.discard(kernel_id)
        self._joined.discard(kernel_id)
        self._top_up_pools()
        return result

    async def shutdown_all(self, *args, **kwargs):
        self._closing = True  # the server is stopping: refill nothing
        return await super().shutdown_all(*args, **kwargs)

    def _top_up_pools(self) -> None:
        """Drop pool entries whose start was refused, and refill the pools (room was made)."""
        pools = getattr(self, "_pools", None)  # only when Voila preheats kernels
        if not pools or self._closing:
            return
        for name, pool in pools.items():
            pool[:] = [task for task in pool if not _failed(task)]
            self.fill_if_needed(delay=0, notebook_name=name)


def _failed(task: asyncio.Future) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
