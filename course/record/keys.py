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

PUBLIC_KEY = b"odp-public-chain-v1"


def learner_key(course_secret: bytes, learner: str) -> bytes:
    return hmac.new(course_secret, f"record:{learner}".encode(), hashlib.sha256).digest()


def kernel_key() -> tuple[bytes, bool]:
    """The key this kernel seals with, and whether it is a private (server-given) one."""
    given = os.environ.get("ODP_RECORD_KEY")
    return (bytes.fromhex(given), True) if given else (PUBLIC_KEY, False)
