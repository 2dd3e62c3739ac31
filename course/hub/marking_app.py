"""The marking app's Voila under ``odp hub``: ``python -m course.hub.marking_app <notebook> [options]``
(course/hub/marking.py builds the command). It is the course's Voila (course/serve/app.py) with:

- **the hub's sign-in.** jupyter_server's identity provider is JupyterHub's own
  (``JupyterHubIdentityProvider``, given on the command line): a browser signs in through the
  hub's OAuth, and every page, API call and kernel websocket is checked for the scope
  ``access:services!service=marking``, which only the assessors' group holds (hub RBAC).
- **the assessor from the hub, per page.** Voila's ``prelaunch_hook`` runs for each page before
  its kernel starts: it reads the signed-in hub user from the request (and checks once more that
  they are in the assessors' group) and puts a first cell in that page's copy of the notebook
  that says who is marking. The kernel is forked from a server that holds no identity, so two
  assessors' pages never share one. Voila refuses kernel pools with a prelaunch hook: no
  preheated kernel can carry someone's identity.
- **the proxy's Host.** The hub's proxy forwards the browser's Host (the hub's own address), which
  the course's Host check would refuse: the hub's public addresses are allowed too
  (``ODP_PUBLIC_HOSTS``, as for the course service).
- **the hub's OAuth callback under the prefix.** Voila adds the identity provider's handlers at
  the root, where the proxy never sends anything: they are moved under ``/services/marking/``.
- **no hub token in kernels.** The service's hub token is read once by the identity provider,
  then taken out of the environment before any kernel starts.
"""

from __future__ import annotations

import copy
import os

import nbformat
from jupyter_server.utils import url_path_join
from tornado.web import HTTPError

from course.hub.accounts import valid_name
from course.hub.marking import GROUP_ENV, HOSTS_ENV
from course.serve.app import CourseVoila

HUB_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"


def who_is_marking(handler) -> str:
    """The signed-in assessor's hub name, or 403."""
    model = getattr(handler.current_user, "hub_user", None) or {}
    group = os.environ.get(GROUP_ENV, "")
    if model.get("kind", "user") != "user" or not group or group not in (model.get("groups") or ()):
        raise HTTPError(403, "only the course's assessors may open the marking app")
    name = model.get("name", "")
    if not valid_name(name):  # hub names are enrolled account names; anything else is refused
        raise HTTPError(403, "this hub account cannot mark")
    return name


def assessor_cell(name: str) -> str:
    return (f"import os\nos.environ['ODP_ASSESSOR'] = {name!r}  "
            "# who is marking: the signed-in hub user (course/hub/marking_app.py)")


def assessor_first(req, notebook: nbformat.NotebookNode, cwd: str) -> nbformat.NotebookNode:
    """Voila's prelaunch hook: this page's notebook, with who is marking as its first cell."""
    page = copy.deepcopy(notebook)
    page.cells.insert(0, nbformat.v4.new_code_cell(assessor_cell(who_is_marking(req))))
    return page


class MarkingServiceVoila(CourseVoila):
    def initialize(self, argv=None):
        super().initialize(argv)
        self.voila_configuration.prelaunch_hook = assessor_first
        # A preheated kernel runs the notebook before anyone asks for it: it could carry no
        # assessor, or the wrong one. (Voila refuses pools with a prelaunch hook anyway.)
        self.voila_configuration.preheat_kernel = False

    def allowed_hosts(self) -> frozenset[str]:
        public = {h.strip().lower() for h in os.environ.get(HOSTS_ENV, "").split(",") if h.strip()}
        return super().allowed_hosts() | public

    def init_handlers(self) -> list:
        # Voila adds the identity provider's handlers (the hub's OAuth callback, logout) at "/",
        # not under its own prefix as jupyter_server does: the callback would land on the page
        # itself, which sends the browser back to sign in, for ever. Put them first, prefixed.
        own = {(path, handler) for path, handler, *_ in self.identity_provider.get_handlers()}
        prefixed, others = [], []
        for rule in super().init_handlers():
            if (rule[0], rule[1]) in own:
                prefixed.append((url_path_join(self.server_url, rule[0]), *rule[1:]))
            else:
                others.append(rule)
        return [*prefixed, *others]

    def init_settings(self):
        settings = super().init_settings()
        self.identity_provider.hub_auth.api_token  # noqa: B018  (read now, before it leaves the environment)
        os.environ.pop(HUB_TOKEN_ENV, None)
        return settings


if __name__ == "__main__":
    MarkingServiceVoila.launch_instance()
