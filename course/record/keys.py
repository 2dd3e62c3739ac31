"""Which key seals a record.

A learner can read anything her own kernel can, so no key given to a kernel proves anything, and
no kernel of hers is given one. When a unit is served (``ODP_SERVICE_URL`` set), the course service
keeps her authoritative record in its store, sealed with a key it derives for her from the course
secret (:func:`learner_key`, ``course.service.records``), and hands that record in itself; the
grader and the marking app derive the same key. Unserved, a record in her folder (JupyterLab,
offline work) is sealed with the public key (:func:`kernel_key`): the chain still catches edits by
hand, but not a learner who re-seals it with our code.
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
    """The key an unserved record (``course.record.store.ResponseRecord``) is sealed with, and
    whether it is a private one: the public key, as no server gives a kernel a key any more.
    ``ODP_RECORD_KEY`` (hex) is still read and then wins: only tests set it, to forge the keyed
    records an older course server's kernels wrote (``tests/grading/course_copy.py``'s
    ``record_key``), which the grader must still check."""
    given = os.environ.get("ODP_RECORD_KEY")
    return (bytes.fromhex(given), True) if given else (PUBLIC_KEY, False)
