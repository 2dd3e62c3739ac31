"""The few JupyterHub REST API calls enrolment makes, with the hub's admin service token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

from course.exceptions import CourseError


class HubUnreachable(CourseError):
    pass


@dataclass(frozen=True)
class HubAPI:
    url: str    # e.g. http://127.0.0.1:8081/hub/api
    token: str

    def call(self, method: str, path: str, body: object = None, ok: tuple[int, ...] = ()) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as reply:
                text = reply.read()
                return json.loads(text) if text else None
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return None
            raise HubUnreachable(f"the hub refused {method} {path}: {exc.code} {exc.read()[:300]!r}") from None
        except OSError as exc:
            raise HubUnreachable(f"the hub at {self.url} could not be reached ({exc}): is `odp hub` running?") from None

    def users(self) -> dict[str, dict]:
        return {u["name"]: u for u in self.call("GET", "/users?limit=100000") or []}

    def ensure_user(self, name: str) -> bool:
        """Add the user if the hub does not know them; True if added."""
        return self.call("POST", f"/users/{quote(name)}", ok=(409,)) is not None

    def ensure_group(self, name: str) -> None:
        self.call("POST", f"/groups/{quote(name)}", ok=(409,))

    def members(self, group: str) -> set[str]:
        model = self.call("GET", f"/groups/{quote(group)}", ok=(404,))
        return set(model["users"]) if model else set()

    def add(self, group: str, users: list[str]) -> None:
        if users:
            self.call("POST", f"/groups/{quote(group)}/users", {"users": users})

    def remove(self, group: str, users: list[str]) -> None:
        if users:
            self.call("DELETE", f"/groups/{quote(group)}/users", {"users": users})
