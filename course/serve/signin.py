"""The token that signs a learner (or an assessor) in to a server the project starts.

One token per ``odp serve`` / ``odp mark serve`` process, made at random, or taken from
``ODP_SERVE_TOKEN`` when the caller fixes it (tests, a supervisor). It reaches Voila through
that environment variable, never the command line (which every local user can read in ``ps``),
and Voila takes it out of its environment before any kernel starts (course/serve/app.py).
"""

from __future__ import annotations

import os
import secrets
from functools import cache

TOKEN_ENV = "ODP_SERVE_TOKEN"
# Where the server's `/` (and an old bookmark of the Voila home or a dashboard) sends the
# learner: the course service's home with her sign-in token. Taken out of the environment with
# the token, before any kernel starts (course/serve/app.py).
HOME_ENV = "ODP_SERVE_HOME"


@cache
def serve_token() -> str:
    return os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(32)


def signed_in_url(base: str, path: str = "/") -> str:
    """The address to open: ``path`` with the token, which the server turns into a cookie."""
    return f"{base.rstrip('/')}{path}?token={serve_token()}"
