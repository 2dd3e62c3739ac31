"""The learner-facing server never serves source or keys: the nbgrader source notebooks, the
gradebook, the item banks, the course secret, the tracking store and the unit content with its
formative answers are each asked for by every URL Voila offers, plainly and with `..` and
URL-encoded traversal, and every answer is 403 or 404 with none of their content.

The data folder is in its default place (``.odp-data`` inside the content root), so the
secrets are a few ``..`` away from the folder the server serves."""

from __future__ import annotations

import pytest

from pathlib import Path

from tests.browser import odp_serve
from tests.serve.running import course_copy, get, through_voila

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
# The unit app: rendering it is the point, but its code is never sent. (The folder holds no
# other app: the home and dashboards are the course service's pages.)
APPS = ["sample-unit/sample-unit.ipynb"]
RETIRED = ["home.ipynb", "progress.ipynb", "team.ipynb", "department.ipynb", "profession.ipynb"]
# Nothing the unit kernel can do without: no data folder, store, content root, key or viewer.
KERNEL_MUST_NOT_HAVE = ("ODP_DATA_DIR", "ODP_LEARNER", "ODP_LINE_MANAGER", "ODP_DEPARTMENT",
                        "ODP_PROFESSION_VIEWER", "ODP_RECORD_KEY", "ODP_CONTENT_ROOT",
                        "ODP_DATABASE_URL", "ODP_GRADEBOOK_URL", "ODP_SERVE_TOKEN", "ODP_SERVE_HOME",
                        "ODP_APP_TOKEN")
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
    # The server was not brought down: its `/` still takes her to the course home.
    status, page, _ = through_voila(s.base + "/")
    assert status == 200 and "My pathway" in page


def test_the_retired_voila_home_and_dashboards_are_no_page_of_voilas(served):
    """Old bookmarks of the Voila copies go to the service's page of that name (which decides
    who may see it), signed in; Voila renders none of them, and tells a stranger nothing."""
    from tests.serve.test_signin import fetch
    from tests.browser import AUTH_HEADER

    s, root, _ = served
    learner = root / ".odp-data" / "learners" / "demo-learner"
    assert sorted(p.name for p in learner.glob("*.ipynb")) == []
    for name in RETIRED:
        status, headers, body = fetch(s.base + "/voila/render/" + name, AUTH_HEADER)
        page = name.removesuffix(".ipynb").replace("home", "")
        assert status == 302 and "odp-page" not in body, name
        assert headers["Location"].split("?")[0].endswith(f"/{page}"), headers["Location"]
        assert not headers["Location"].startswith(s.base), "not Voila's page"
        assert fetch(s.base + "/voila/render/" + name)[0] == 302  # to Voila's sign-in
        assert "/login" in fetch(s.base + "/voila/render/" + name)[1]["Location"]
    status, page, url = through_voila(s.base + "/voila/render/department.ipynb")
    assert url.endswith("/department") and status in (200, 403) and "widget-view" not in page
    assert "<h1" in page or status == 403  # the service's page, or its refusal


def test_no_secret_is_in_a_learners_kernel_environment_or_folder(served):
    """The embedded set-up runs everything as one OS user, so the OS cannot keep her kernel from
    the data folder (docs/response-record.md says so); what the course can do is give the kernel
    nothing secret: not the course secret, not the assessor's token, not the Voila server's own
    token, not a database address. Checked on a real unit kernel's /proc environment."""
    import json

    import psutil

    from course.serve.signin import serve_token
    from tests.browser import chromium, wait_for_widgets

    s, root, secret = served
    data = root / ".odp-data"
    assessor = json.loads((data / "service.json").read_text())["assessor_token"]
    with chromium() as browser:  # her unit page open, so its kernel is alive
        page = browser.new_page()
        page.goto(s.url("/voila/render/sample-unit/sample-unit.ipynb"), timeout=300_000)
        wait_for_widgets(page, 1, timeout=300_000)
        kernels = [p for p in psutil.Process(s.proc.pid).children(recursive=True)
                   if "course.service" not in " ".join(p.cmdline()) and "course.serve.app" not in " ".join(p.cmdline())]
        environs = {f"{k.pid} {' '.join(k.cmdline())[:60]}": Path(f"/proc/{k.pid}/environ").read_bytes() for k in kernels}
    assert environs, "a kernel (or its fork server) was running"
    # the right processes: a unit kernel holds her own service token, and nothing more
    assert any(b"ODP_SERVICE_TOKEN=" in raw for raw in environs.values())
    for name_of, raw in environs.items():
        environ = raw.decode(errors="replace").split("\0")
        values = "\n".join(environ)
        for name, value in {"course secret": secret, "assessor token": assessor,
                            "serve token": serve_token()}.items():
            assert value not in values, f"{name} is in {name_of}'s environment"
        names = {v.split("=", 1)[0] for v in environ if "=" in v}
        assert not names & set(KERNEL_MUST_NOT_HAVE), f"{name_of}: {sorted(names & set(KERNEL_MUST_NOT_HAVE))}"
        assert {n for n in names if n.startswith("ODP_")} <= {"ODP_SERVICE_URL", "ODP_SERVICE_TOKEN"}, name_of
        assert str(root) not in values and str(data) not in values, f"a path into the content root in {name_of}"
    folder = data / "learners" / "demo-learner"
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert secret.encode() not in text and assessor.encode() not in text, path
