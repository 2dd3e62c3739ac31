"""Which key seals a record.

A learner controls their own machine, so a key the learner's kernel can read proves nothing
against a determined learner. Where the course server runs the kernels (Voila does not let the
browser run code) it passes each learner a key derived from the course secret in
``ODP_RECORD_KEY``; the grader derives the same key. Elsewhere the record is sealed with a public
key: the chain still catches edits by hand, but not a learner who re-seals it with our code.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

PUBLIC_KEY = b"odp-public-chain-v1"
SECRET_FILE = "course-secret.key"


def course_secret(data_path: Path) -> bytes:
    """The course's record-sealing secret, made once and kept in the data folder (mode 0600).
    The course server derives each learner's key from it; the grader derives the same key."""
    path = Path(data_path) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text().strip())


def learner_key(course_secret: bytes, learner: str) -> bytes:
    return hmac.new(course_secret, f"record:{learner}".encode(), hashlib.sha256).digest()


def kernel_key() -> tuple[bytes, bool]:
    """The key this kernel seals with, and whether it is a private (server-given) one."""
    given = os.environ.get("ODP_RECORD_KEY")
    return (bytes.fromhex(given), True) if given else (PUBLIC_KEY, False)
