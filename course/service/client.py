"""The other side of the service: what a learner's kernel and an assessor's command call.

Kept to the standard library and free of anything that marks or seals, so importing it in a
learner's kernel costs almost nothing and gives nothing away. A kernel knows only the service's
address and its own token (``ODP_SERVICE_URL``, ``ODP_SERVICE_TOKEN``).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from course.exceptions import CourseError

URL_ENV, TOKEN_ENV = "ODP_SERVICE_URL", "ODP_SERVICE_TOKEN"
HUB_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"


class ServiceUnavailable(CourseError):
    """The course service could not be reached (or did not answer in time)."""


class ServiceRefused(CourseError):
    """The service answered, and refused: ``status`` is its HTTP status, the message its reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ServiceClient:
    url: str      # e.g. http://127.0.0.1:8865
    token: str
    timeout: float = 5.0

    @classmethod
    def from_env(cls) -> "ServiceClient | None":
        # Under a hub the kernel's token is its server's own hub token (docs/hub.md).
        url = os.environ.get(URL_ENV)
        token = os.environ.get(TOKEN_ENV) or os.environ.get(HUB_TOKEN_ENV)
        return cls(url.rstrip("/"), token) if url and token else None

    def call(self, method: str, path: str, body: Any = None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as reply:
                return json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code == 503:  # up, but still starting: as good as unreachable for now
                raise ServiceUnavailable(f"the course service at {self.url} is starting") from None
            try:
                message = json.loads(exc.read() or b"{}").get("error") or exc.reason
            except ValueError:
                message = str(exc.reason)
            raise ServiceRefused(exc.code, message) from None
        except (OSError, ValueError) as exc:  # refused, reset, timed out, half a reply
            raise ServiceUnavailable(f"the course service at {self.url} could not be reached ({exc})") from None
