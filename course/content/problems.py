"""Turning YAML and pydantic faults into plain-English problems that name file, place and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

Loc = Sequence[str | int]


@dataclass(frozen=True)
class Problem:
    file: str
    loc: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.loc}: " if self.loc else f"{self.file}: "
        return where + self.message + (f" (line {self.line})" if self.line else "")


def format_loc(loc: Loc) -> str:
    """('elements', 2, 'marking_points') -> 'elements[2].marking_points'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the YAML node at ``loc``, or of the nearest parent that exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


_TYPE_WORDS = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be a set of named fields",
    "model_attributes_type": "must be a set of named fields",
    "dict_type": "must be a set of named fields",
    "missing": "is required",
    "extra_forbidden": "is not a field this file can have (check the spelling)",
    "string_pattern_mismatch": "must be an id: lowercase letters, digits, '-', '_' or '.'",
}


def explain(error: dict[str, Any]) -> str:
    """One pydantic error, in plain English."""
    kind, ctx, loc = error["type"], error.get("ctx", {}), error["loc"]
    field = loc[-1] if loc else ""
    if field == "level" and kind in ("literal_error", "int_parsing", "int_type"):
        return f"unknown level {error.get('input')!r}: levels run from 2 to 7"
    if kind == "too_short":
        if isinstance(error.get("input"), str):
            return "must not be empty"
        n = ctx.get("min_length", 1)
        return f"at least {n} {'is' if n == 1 else 'are'} required"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected')} (found {error.get('input')!r})"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return error["msg"].replace("Input should be", "must be")
    if kind in _TYPE_WORDS:
        return _TYPE_WORDS[kind]
    return str(error.get("msg", kind)).removeprefix("Value error, ")


def from_validation_error(
    file: str, root: yaml.Node | None, errors: Iterable[dict[str, Any]]
) -> list[Problem]:
    out = []
    for err in errors:
        # Drop pydantic's union/tagged-union branch names so the loc is a path in the file.
        loc = [p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "list["))]
        out.append(Problem(file, format_loc(loc), explain(err), line_of(root, loc)))
    return out


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
