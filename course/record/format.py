"""The record's on-disk format, version 1.

Line 1 is a header; every further line is one entry. Each line is a JSON object whose ``mac``
is HMAC-SHA256 over the line's other fields (canonical JSON) *including* ``prev``, the previous
line's mac. Editing, removing or reordering a line therefore breaks the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "odp-responses"
VERSION = 1


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def mac(key: bytes, fields: dict[str, Any]) -> str:
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


class Sealed:
    """A line whose ``mac`` covers every other field, including ``prev``."""

    def fields(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("mac")
        return out

    def sealed(self, key: bytes):
        return type(self)(**{**self.fields(), "mac": mac(key, self.fields())})


@dataclass(frozen=True)
class Header(Sealed):
    learner: str
    unit: str
    created: str
    keyed: bool
    format: str = FORMAT
    version: int = VERSION
    prev: str = ""
    mac: str = ""


@dataclass(frozen=True)
class Entry(Sealed):
    """One answer or change. ``response`` is whatever JSON the widget produced."""

    seq: int
    at: str
    learner: str
    unit: str
    item: str
    kind: str  # answer | check | step | submit | start | activity
    response: Any
    attempt: int = 1
    seed: int = 0
    prev: str = ""
    mac: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
