"""The learner-facing server never serves source or keys: the nbgrader source notebooks, the
gradebook, the item banks, the course secret, the tracking store and the unit content with its
formative answers are each asked for by every URL Voila offers, plainly and with `..` and
URL-encoded traversal, and every answer is 403 or 404 with none of their content.

The data folder is in its default place (``.odp-data`` inside the content root), so the
secrets are a few ``..`` away from the folder the server serves."""

from __future__ import annotations

import pytest

from tests.browser import odp_serve
from tests.serve.running import course_copy, get

pytestmark = pytest.mark.slow

GRADEBOOK_MARK = "GRADEBOOK-ROW-sample-unit-amy-17"
SOURCE_MARK = "BEGIN HIDDEN TESTS"  # in the nbgrader source of every unit notebook

# Paths from the learner's folder (<root>/.odp-data/learners/demo-learner) to each secret.
TARGETS = [
    "../../../autograder/banks/sample-unit.yaml",
    "../../../autograder/source/sample-unit/sample-unit.ipynb",  # nbgrader's source link
    "../../../level2/sample-unit/sample-unit.ipynb",  # ... to the unit's own notebook
    "../../../autograder/gradebook.db",
    "../../../autograder/nbgrader_config.py",
    "../../../level2/sample-unit/unit.yaml",
    "../../../catalogue.yaml",
    "../../course-secret.key",
    "../../odp.sqlite",
    "../../../../../../../../etc/passwd",
    "sample-unit/unit.yaml",  # released, but holds the formative answers: the kernel reads it
]
# The apps themselves: rendering them is the point, but their code is never sent.
APPS = ["home.ipynb", "progress.ipynb", "sample-unit/sample-unit.ipynb"]
APP_CODE = ["import show", "open_unit", "preheat"]
RAW = ["/voila/files/", "/voila/static/", "/voila/templates/odp/static/", "/voila/api/contents/",
       "/files/", "/api/contents/", "/notebooks/", "/edit/", "/view/"]
PREFIXES = ["/voila/files/", "/voila/tree/", "/voila/render/", "/voila/static/",
            "/voila/templates/odp/static/", "/voila/api/contents/", "/voila/labextensions/",
            "/files/", "/tree/", "/notebooks/", "/api/contents/", "/edit/", "/view/", "/"]


def spellings(path: str) -> set[str]:
    """The path as given and with its dots and slashes URL-encoded, once and twice."""
    return {
        path,
        path.replace("../", "%2e%2e/"),
        path.replace("../", "..%2f"),
        path.replace("../", "%2e%2e%2f"),
        path.replace("../", ".%2e/"),
        path.replace("../", "%252e%252e%252f"),
        path.replace("../", "..%5c"),
        path.replace("/", "%2f"),
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    assert SOURCE_MARK in (root / "level2/sample-unit/sample-unit.ipynb").read_text()
    (root / "autograder" / "gradebook.db").write_text(GRADEBOOK_MARK)
    (root / "autograder" / "nbgrader_config.py").write_text("c = get_config()  # " + SOURCE_MARK)
    with odp_serve(root, "--pool-size", "0", "--max-kernels", "4") as s:
        secret = (root / ".odp-data" / "course-secret.key").read_text().strip()
        yield s, root, secret


def test_the_secrets_are_where_the_test_expects_them(served):
    _, root, _ = served
    learner = root / ".odp-data" / "learners" / "demo-learner"
    for target in TARGETS:
        assert (learner / target).resolve().exists(), target
    # The learner's copy is released: no hidden tests in the folder the server serves.
    assert SOURCE_MARK not in (learner / "sample-unit" / "sample-unit.ipynb").read_text()


def test_no_url_serves_source_or_keys(served):
    s, _, secret = served
    leaks = []
    for target in TARGETS:
        for prefix in PREFIXES:
            for spelling in spellings(target):
                status, body = get(s.base + prefix + spelling)
                leaked = [m for m in (secret, "correct: a", GRADEBOOK_MARK, SOURCE_MARK,
                                      "root:x:0:0", "feedback:", "SQLite format")
                          if m in body]
                if status not in (403, 404) or leaked:
                    leaks.append((prefix + spelling, status, leaked))
    for app in APPS:
        for prefix in RAW:
            for spelling in spellings(app):
                status, body = get(s.base + prefix + spelling)
                shown = [m for m in APP_CODE if m in body]
                if shown:
                    leaks.append((prefix + spelling, status, shown))
    assert leaks == [], '\n'.join(map(str, leaks))
    # The server was not brought down: the course home still opens.
    assert get(s.base + "/voila/render/home.ipynb")[0] == 200
