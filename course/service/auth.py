"""One mixin gives any tornado handler of the service its caller's identity.

Every request is checked twice: its Host must be one the service answers to (a page on another
origin cannot reach it through DNS rebinding), and it must carry a credential. Who is asking
comes from the credential only, never from a field in the request:

- ``Authorization: token <t>``: what a learner's kernel and an assessor's command send;
- the signed session cookie a browser gets after opening the sign-in link once
  (``/?token=<t>``, which ``odp serve`` prints). Cookies sign in GET requests only: anything
  that changes data needs the header, so another site cannot post on a learner's behalf.

Under JupyterHub (``odp hub``) the hub is the identity provider instead: a browser signs in
through the hub's OAuth (JupyterHub's own ``HubOAuth``), and a kernel or a command sends its
hub token (``JUPYTERHUB_API_TOKEN``). The hub says who the person is and their groups; the
roles still come from the store and those groups (identity.py).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from tornado.web import Finish, HTTPError, RequestHandler

from course.service import tokens
from course.service.identity import Identity, resolve

if TYPE_CHECKING:
    from course.service.app import ServiceContext

COOKIE = "odp-service"


def cookie_secret(course_secret: bytes) -> bytes:
    return hmac.new(course_secret, b"service-cookie", hashlib.sha256).digest()


class ServiceAuthMixin(RequestHandler):
    @property
    def odp(self) -> "ServiceContext":
        return self.settings["odp"]

    async def prepare(self) -> None:
        if self.request.host.lower() not in self.odp.allowed_hosts:
            raise HTTPError(403, "this address is not one the course service answers to")
        if self.odp.hub is not None:
            self.current_user = await self._hub_identity()
            return
        token = self.get_query_argument("token", "")
        if token and self.request.method == "GET" and self.current_user is not None:
            # Signed in by link: keep it in a cookie and drop the token from the address bar.
            self.set_signed_cookie(COOKIE, token, httponly=True, samesite="Strict", expires_days=1)
            self.redirect(self.request.path)

    def _credential(self) -> str:
        header = self.request.headers.get("Authorization", "")
        if header.lower().startswith("token "):
            return header[6:].strip()
        if self.request.method not in ("GET", "HEAD"):
            return ""
        if given := self.get_query_argument("token", ""):
            return given
        cookie = self.get_signed_cookie(COOKIE, max_age_days=1)
        return cookie.decode() if cookie else ""

    async def _hub_identity(self) -> Identity | None:
        model = await self.odp.hub.get_user(self, sync=False)
        if not model or model.get("kind", "user") != "user":
            return None
        with self.odp.session() as session:
            return resolve(session, model["name"], groups=model.get("groups") or ())

    def get_login_url(self) -> str:
        """Under a hub, its OAuth sign-in page (with a state that brings the browser back)."""
        from tornado.httputil import url_concat

        state = self.odp.hub.set_state_cookie(self, next_url=self.request.uri)
        return url_concat(self.odp.hub.login_url, {"state": state})

    def get_current_user(self) -> Identity | None:
        credential = self._credential()
        if not credential:
            return None
        with self.odp.session() as session:
            row = tokens.lookup(session, credential)
            if row is None:
                return None
            return resolve(session, row.person_id, allowed=row.roles)

    @property
    def identity(self) -> Identity:
        """The signed-in caller; a request without a credential never gets past here."""
        who = self.current_user
        if who is None:
            if self.odp.hub is not None and self.request.method == "GET" and not self.request.path.startswith(
                    f"{self.odp.prefix}api/"):
                self.redirect(self.get_login_url())  # a page: to the hub's sign-in, then back
                raise Finish()
            raise HTTPError(403, "sign in first: open the link the course printed when it started")
        return who

    def require(self, role: str) -> Identity:
        who = self.identity
        if not who.has(role):
            raise HTTPError(403, f"this needs the {role.replace('_', ' ')} role")
        return who
