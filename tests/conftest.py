"""Shared fixtures. Paths, not mocks: every test works on real files in a temp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def content_tree(tmp_path: Path) -> Path:
    """A copy of the small valid content tree, safe to break."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    return root
