"""The whole programme on a real JupyterHub on 127.0.0.1 (``odp hub``), with real OS accounts
made by ``odp hub enrol`` and removed after: three learners, an assessor and a line manager.

In Chromium a learner signs in, lands on her course home, opens a unit (her own server starts),
sits the test and submits; the assessor grades as his own OS user with nbgrader's commands and
``odp grade``; she reads her result. Her line manager sees his team and no one else. She is
refused another learner's server and the hub's admin page, and code run as her own OS user
reads no bank, secret, store, gradebook or other person's files.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from course.content import load_course
from tests.browser import chromium
from tests.conftest import REPO
from tests.grading.course_copy import answer_every_item_right

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="odp hub makes OS accounts: run the tests as root (CI does)"),
    pytest.mark.timeout(2400),
]
UNIT = "working-in-od"


@pytest.fixture(scope="module")
def hub():
    from tests.hub.running import running_hub

    with running_hub() as hub:
        yield hub


@pytest.fixture(scope="module")
def journey(hub):
    """The learner's test in the browser, the assessor's grading, her result: run once."""
    amy, ann = hub.people["amy"], hub.people["ann"]
    pages: dict[str, str] = {}
    bank = {q.id: q for q in load_course(REPO).banks[UNIT].items}
    with chromium(signed_in=False) as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
        sign_in(page, hub, amy)
        page.get_by_role("heading", name="My pathway").wait_for(timeout=120_000)
        pages["home"] = page.content()
        page.get_by_role("link", name=re.compile("Go to Unit 201")).first.click()
        page.get_by_role("button", name="Start the test").click(timeout=600_000)  # her server starts first
        page.wait_for_selector(".odp-check-answers", timeout=120_000)
        assert answer_every_item_right(page, bank) == 30
        page.get_by_role("button", name="Check your answers").click()
        page.get_by_role("button", name="Submit your answers").click()
        page.locator(".odp-check-answers").get_by_text("Test submitted").wait_for(timeout=120_000)
        pages["unit"] = page.url

        grade_as_assessor(hub, ann)

        page.goto(f"{hub.url}/services/course/progress")
        page.locator("main").get_by_text("Passed").first.wait_for(timeout=60_000)
        pages["progress"] = page.content()
        ben = hub.people["ben"]
        hub.api("POST", f"/users/{ben}/server")  # his server running, so her request reaches it
        wait_for(lambda: (hub.api("GET", f"/users/{ben}").get("servers") or {}).get("", {}).get("ready"))
        pages["other server"] = str(page.goto(f"{hub.url}/user/{ben}/lab").status)
        pages["other server api"] = str(page.request.get(f"{hub.url}/user/{ben}/api/contents").status)
        pages["admin"] = str(page.goto(f"{hub.url}/hub/admin").status)
        pages["team as learner"] = str(page.goto(f"{hub.url}/services/course/team").status)
    return pages


def wait_for(condition, limit: float = 600) -> None:
    import time

    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.5)


def sign_in(page, hub, user: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.passwords[user])
    page.click("#login_submit")


def grade_as_assessor(hub, assessor: str) -> None:
    """What the assessor types in his own terminal on the hub, as his own OS user."""
    course = hub.layout.course
    token = hub.api("POST", f"/users/{assessor}/tokens",
                    {"scopes": ["access:services!service=course", "read:users:groups!user"], "note": "test"})["token"]
    env = {"ODP_CONTENT_ROOT": str(REPO), "ODP_DATA_DIR": str(hub.layout.service),
           "ODP_EXCHANGE_DIR": str(hub.layout.exchange), "ODP_COURSE_DIR": str(course),
           "ODP_SERVICE_URL": hub.service_url, "JUPYTERHUB_API_TOKEN": token,
           "ODP_GRADEBOOK_URL": hub.gradebook_url}  # what his server's environment holds (spawn.py)
    for args in (["nbgrader", "generate_assignment", UNIT, "--force"], ["nbgrader", "collect", UNIT],
                 ["odp", "grade", UNIT, "--course-dir", str(course)],
                 ["nbgrader", "generate_feedback", UNIT], ["odp", "publish", UNIT, "--course-dir", str(course)]):
        hub.as_user(assessor, *args, env=env, cwd=course)


def test_enrol_made_accounts_with_private_homes_and_applies_only_changes(hub):
    assert "5 new" in hub.enrolled.stdout
    for name in hub.people.values():
        assert os.stat(f"/home/{name}").st_mode & 0o777 == 0o700
    again = hub.odp("hub", "enrol", str(hub.roster))
    assert "0 new, 0 changed, 5 unchanged, 0 row(s) with errors" in again.stdout


def test_a_bad_row_names_its_row_and_field_and_the_rest_applies(hub, tmp_path):
    roster = tmp_path / "roster.csv"
    extra = f"t{hub.people['amy'][1:5]}-eve"
    roster.write_text(hub.roster.read_text() + f"{extra},Eve,dwp,,l9-nope,learner\nBad Id,X,dwp,,l2-od-principles,learner\n")
    done = hub.odp("hub", "enrol", str(roster), ok=False)
    assert done.returncode == 1
    assert "row 7, qualification: 'l9-nope' is not a qualification" in done.stderr
    assert "row 8, id: 'Bad Id' is not a usable account name" in done.stderr
    assert "0 new, 0 changed, 5 unchanged, 2 row(s) with errors" in done.stdout


def test_a_learner_sits_her_test_and_reads_her_result_after_the_assessors_grading(hub, journey):
    assert "/user/" in journey["unit"] and "/voila/render/" in journey["unit"]
    assert "30 out of 30" in journey["progress"]
    # graded into nbgrader's gradebook in the course's own PostgreSQL, not a file in the folder
    from nbgrader.api import Gradebook

    with Gradebook(hub.gradebook_url) as gb:
        assert gb.find_submission(UNIT, hub.people["amy"]).score == 30
    assert not (hub.layout.course / "gradebook.db").exists()


def test_a_learner_is_refused_other_servers_the_admin_page_and_the_team_page(journey):
    assert journey["other server"] == "403"
    assert journey["other server api"] == "403"
    assert journey["admin"] == "403"
    assert journey["team as learner"] == "403"


def test_the_line_manager_sees_his_team_and_no_one_else(hub, journey):
    with chromium(signed_in=False) as browser:
        page = browser.new_page(locale="en-GB")
        sign_in(page, hub, hub.people["mo"])
        page.goto(f"{hub.url}/services/course/team")
        page.locator("main table").first.wait_for(timeout=120_000)
        team = page.locator("main").inner_text()
    assert "Amy Tester" in team and "Ben Tester" in team
    assert "Cat Tester" not in team
    assert "Passed" in team or "1 passed" in team.lower() or "pass" in team.lower()


def test_code_run_as_the_learner_reads_nothing_private(hub, journey):
    amy = hub.people["amy"]
    layout = hub.layout
    private = [REPO / "autograder" / "banks" / f"{UNIT}.yaml", layout.service / "course-secret.key",
               layout.secrets_file, layout.postgres / "PG_VERSION", layout.course / "nbgrader_config.py",
               Path(f"/home/{hub.people['ben']}"), Path(f"/home/{hub.people['ann']}"),
               layout.exchange / "odp" / "inbound"]
    for path in private:
        tried = hub.as_user(amy, "python", "-c", f"import os,sys; p={str(path)!r}\n"
                            "try:\n os.listdir(p) if os.path.isdir(p) else open(p).read(1); print('READ')\n"
                            "except PermissionError: print('REFUSED')", ok=False)
        assert tried.stdout.strip() == "REFUSED", (path, tried.stdout, tried.stderr)


def test_code_run_as_the_learner_cannot_sign_in_to_the_courses_databases(hub, journey):
    port = hub.env["ODP_HUB_POSTGRES_PORT"]
    for role, db in (("odp_service", "course"), ("odp_grader", "gradebook"), ("odp_hub", "hub"), ("odp-db", "postgres")):
        tried = hub.as_user(hub.people["amy"], "python", "-c",
                            "import psycopg\ntry:\n"
                            f" psycopg.connect('host=127.0.0.1 port={port} user={role} dbname={db} connect_timeout=20'); print('IN')\n"
                            "except psycopg.OperationalError as e: print('REFUSED', e)", ok=False)
        assert tried.stdout.startswith("REFUSED"), (role, tried.stdout, tried.stderr)
        assert "password" in tried.stdout, tried.stdout  # asked for one she does not have


def test_her_server_holds_no_secret_in_its_environment(hub, journey):
    amy = hub.people["amy"]
    secrets = hub.layout.read_secrets(create=False)
    pids = subprocess.run(["pgrep", "-u", amy], capture_output=True, text=True).stdout.split()
    assert pids, "her server is running"
    for pid in pids:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
        except FileNotFoundError:
            continue
        for name, value in secrets.items():
            assert value not in environ, f"{name} is in process {pid}'s environment"
        assert "ODP_DATA_DIR" not in environ and "ODP_DATABASE_URL" not in environ
