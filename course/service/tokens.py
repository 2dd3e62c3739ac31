"""Credentials the service issues in the embedded set-up (under JupyterHub, the hub's own).

A token is 32 random bytes shown once; the store keeps only its SHA-256, so reading the store
signs nobody in. Each token names its person and, optionally, the roles it is good for.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from course.tracking.models import ApiToken


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, person_id: str, roles: Iterable[str] = (), note: str = "") -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_hash(token), person_id=person_id, roles=sorted(roles),
                         note=note, created=datetime.now(timezone.utc).replace(tzinfo=None)))
    return token


def lookup(session: Session, token: str) -> ApiToken | None:
    if not token or len(token) > 200:
        return None
    return session.get(ApiToken, _hash(token))
