"""``ZygoteSpawner``: JupyterHub's ``LocalProcessSpawner``, with each server forked from the
zygote (``course.hub.zygote``) instead of started with ``Popen``.

The hub is not the server's parent, so it holds the pidfd the zygote sends with the pid: it
tells when the server has ended (even before anyone reaps it) and signals it without the risk
of a reused pid. If the zygote is not there (not started yet, stopped, or turned off), the
server starts with ``Popen`` as before, and the log says why. A request the zygote refuses
(root, an account outside the course, another command) fails the spawn.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import select
import signal
import socket

from jupyterhub.spawner import LocalProcessSpawner
from jupyterhub.utils import random_port
from traitlets import Unicode

REPLY_SECONDS = 120


class ZygoteUnavailable(Exception):
    """No zygote to ask: start with Popen."""


class ZygoteRefused(Exception):
    """The zygote refused the request."""


def ask(path: str, request: dict) -> tuple[int, int]:
    """Send ``request`` to the zygote at ``path``; its server's pid and a pidfd for it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(REPLY_SECONDS)
    with sock:
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise ZygoteUnavailable(f"no zygote at {path} ({exc.strerror})") from None
        sock.sendall((json.dumps(request) + "\n").encode())
        data, fds, _, _ = socket.recv_fds(sock, 65536, 1)
        while data and not data.endswith(b"\n"):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    if not data:
        raise ZygoteUnavailable("the zygote closed the connection")
    reply = json.loads(data)
    if "pid" in reply and fds:
        return int(reply["pid"]), fds[0]
    for fd in fds:
        os.close(fd)
    if "unavailable" in reply:
        raise ZygoteUnavailable(reply["unavailable"])
    raise ZygoteRefused(reply.get("error") or "no pid in its reply")


class ZygoteSpawner(LocalProcessSpawner):
    zygote_socket = Unicode("", config=True, help="The zygote's unix socket (empty: always Popen).")

    _pidfd: int | None = None

    def _request(self) -> dict:
        account = pwd.getpwnam(self.user.name)
        return {"username": self.user.name, "uid": account.pw_uid, "gid": account.pw_gid,
                "home": account.pw_dir, "cmd": [*self.cmd, *self.get_args()], "env": self.get_env()}

    async def start(self):
        if not self.zygote_socket:
            return await super().start()
        if self.shell_cmd or self.popen_kwargs:
            self.log.info("Not forking %s's server from the zygote: shell_cmd or popen_kwargs set",
                          self.user.name)
            return await super().start()
        if self.port == 0:
            self.port = random_port()
        request = self._request()  # after the port: her environment has its address
        try:
            pid, pidfd = await asyncio.to_thread(ask, self.zygote_socket, request)
        except (ZygoteUnavailable, OSError) as exc:
            self.log.warning("Starting %s's server with Popen, not the zygote: %s", self.user.name, exc)
            return await super().start()
        except ZygoteRefused as exc:
            self.log.error("The zygote refused %s's server: %s", self.user.name, exc)
            raise
        self._close_pidfd()
        self.pid, self._pidfd = pid, pidfd
        self.log.info("Forked %s's server from the zygote: pid %d", self.user.name, pid)
        return (self.ip or "127.0.0.1", self.port)

    def _close_pidfd(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    async def poll(self):
        if self._pidfd is None:  # started with Popen, or a pid from before a hub restart
            return await super().poll()
        if select.select([self._pidfd], [], [], 0)[0]:  # it has ended (the zygote reaps it)
            self._close_pidfd()
            self.clear_state()
            return 0
        return None

    async def _signal(self, sig):
        if self._pidfd is None:
            return await super()._signal(sig)
        try:
            signal.pidfd_send_signal(self._pidfd, sig)
        except ProcessLookupError:
            return False
        return True

    def clear_state(self):
        super().clear_state()
        self._close_pidfd()
