"""Reading content files into model objects, collecting every problem on the way."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from course.content.problems import Problem, from_validation_error, relative

M = TypeVar("M", bound=BaseModel)


class Loaded:
    """A parsed YAML document with the node tree kept for line numbers."""

    def __init__(self, file: str, data: object, root: yaml.Node | None) -> None:
        self.file, self.data, self.root = file, data, root


def read_yaml(path: Path, content_root: Path) -> tuple[Loaded | None, list[Problem]]:
    name = relative(path, content_root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem(name, "", "file not found")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8")]
    try:
        root, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = f"YAML syntax error: {exc.problem or exc.context}"
        return None, [Problem(name, "", what, line)]
    if not isinstance(data, dict):
        return None, [Problem(name, "", "must be a YAML mapping of fields, not empty or a list", 1)]
    return Loaded(name, data, root), []


def _parse(text: str) -> tuple[yaml.Node | None, object]:
    # One pass with libyaml: the node tree (for line numbers) and the data built from it. The
    # pure-Python parser took ~110 ms for a unit file, and each unit kernel reads one.
    loader = yaml.CSafeLoader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def parse(model: type[M], loaded: Loaded) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(loaded.data), []
    except ValidationError as exc:
        return None, from_validation_error(loaded.file, loaded.root, exc.errors())


def load(model: type[M], path: Path, content_root: Path) -> tuple[M | None, Loaded | None, list[Problem]]:
    loaded, problems = read_yaml(path, content_root)
    if loaded is None:
        return None, None, problems
    obj, problems = parse(model, loaded)
    return obj, loaded, problems
