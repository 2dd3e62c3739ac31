"""The whole programme on a real JupyterHub on 127.0.0.1 (``odp hub``), with real OS accounts
made by ``odp hub enrol`` and removed after: three learners, two assessors and a line manager.

In Chromium a learner signs in, lands on her course home, opens a unit (her own server starts),
sits the test and submits; the assessor grades as his own OS user with nbgrader's commands and
``odp grade``; she reads her result. Her line manager sees his team and no one else. She is
refused another learner's server and the hub's admin page, and code run as her own OS user
reads no bank, secret, store, gradebook or other person's files. Another learner hands in a
written assignment; two assessors mark in the one marking app (the hub service ``marking``),
each under their own hub name, and one opens the formgrader in a tab of its own; a learner and
the line manager are refused the marking app.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from course.content import load_course
from tests.browser import axe_violations, chromium
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


def grade_as_assessor(hub, assessor: str, unit: str = UNIT, publish: bool = True) -> None:
    """What the assessor types in his own terminal on the hub, as his own OS user."""
    course = hub.layout.course
    env = {"ODP_CONTENT_ROOT": str(REPO), "ODP_DATA_DIR": str(hub.layout.service),
           "ODP_EXCHANGE_DIR": str(hub.layout.exchange), "ODP_COURSE_DIR": str(course),
           "ODP_SERVICE_URL": hub.service_url, "JUPYTERHUB_API_TOKEN": hub.token_for(assessor),
           "ODP_GRADEBOOK_URL": hub.gradebook_url,  # what his server's environment holds (spawn.py)
           "JUPYTER_CONFIG_PATH": str(hub.layout.jupyter / "staff")}  # (the course's config, loaded twice)
    steps = [["nbgrader", "generate_assignment", unit, "--force"], ["nbgrader", "collect", unit]]
    if publish:
        steps += [["odp", "grade", unit, "--course-dir", str(course)], ["nbgrader", "generate_feedback", unit],
                  ["odp", "publish", unit, "--course-dir", str(course)]]
    else:  # a written assignment: autograded, then marked in the marking app
        steps += [["nbgrader", "autograde", unit]]
    for args in steps:
        hub.as_user(assessor, *args, env=env, cwd=course)


def test_enrol_made_accounts_with_private_homes_and_applies_only_changes(hub):
    assert "6 new" in hub.enrolled.stdout
    for name in hub.people.values():
        assert os.stat(f"/home/{name}").st_mode & 0o777 == 0o700
    again = hub.odp("hub", "enrol", str(hub.roster))
    assert "0 new, 0 changed, 6 unchanged, 0 row(s) with errors" in again.stdout


def test_a_bad_row_names_its_row_and_field_and_the_rest_applies(hub, tmp_path):
    roster = tmp_path / "roster.csv"
    extra = f"t{hub.people['amy'][1:5]}-eve"
    roster.write_text(hub.roster.read_text() + f"{extra},Eve,dwp,,l9-nope,learner\nBad Id,X,dwp,,l2-od-principles,learner\n")
    done = hub.odp("hub", "enrol", str(roster), ok=False)
    assert done.returncode == 1
    assert "row 8, qualification: 'l9-nope' is not a qualification" in done.stderr
    assert "row 9, id: 'Bad Id' is not a usable account name" in done.stderr
    assert "0 new, 0 changed, 6 unchanged, 2 row(s) with errors" in done.stdout


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


def test_unit_pages_she_leaves_or_reloads_release_their_kernels(hub, journey):
    """Under the hub, as under `odp serve`: a page left or reloaded gives its kernel back within
    seconds (the page's close request, and the server's reaper when that does not arrive)."""
    amy = hub.people["amy"]
    token = hub.api("POST", f"/users/{amy}/tokens", {"scopes": ["access:servers!user"], "note": "test"})["token"]

    def her_kernels() -> list[dict]:
        return hub.get_json(f"/user/{amy}/api/kernels", token)

    wait_for(lambda: her_kernels() == [], limit=120)  # the journey's page closed with its browser
    with chromium(signed_in=False) as browser:
        page = browser.new_page(locale="en-GB")
        sign_in(page, hub, amy)
        page.get_by_role("heading", name="My pathway").wait_for(timeout=120_000)
        page.goto(journey["unit"])
        for _ in range(3):
            page.wait_for_selector(".odp-question", timeout=180_000)
            wait_for(lambda: len(her_kernels()) == 1, limit=120)
            page.reload()
        page.wait_for_selector(".odp-question", timeout=180_000)
        page.goto(f"{hub.url}/services/course/")
        wait_for(lambda: her_kernels() == [], limit=120)


# -- the marking app (the hub service `marking`) and the formgrader -------------------------------
WRITTEN = "managing-risk"
HAND_IN = f"""
from pathlib import Path
from course.notebook import open_unit
from course.widgets.handin import HandInWidget
unit = open_unit(Path.home() / {WRITTEN!r})
for task in unit.unit.assignment.tasks:
    unit.task(task.id).answer(f"My answer to {{task.title}}: " + "evidence from my own team " * 60)
handin = HandInWidget(unit.record, [unit.widgets[t.id] for t in unit.unit.assignment.tasks])
handin.act("review")
handin.act("submit")
print("HANDED IN")
"""


@pytest.fixture(scope="module")
def marking(hub):
    """Cat hands in a written assignment from her own OS account; the assessor collects and
    autogrades it, then in Chromium opens the marking app and the formgrader; a learner and a
    line manager try the marking app."""
    import pwd

    from course.hub import release

    ann, cat = hub.people["ann"], hub.people["cat"]
    account = pwd.getpwnam(cat)  # her units, as her server's pre-spawn hook copies them (spawn.py)
    release.fetch_all(hub.layout.exchange, "odp", Path(account.pw_dir), account.pw_uid, account.pw_gid)
    done = hub.as_user(cat, "python", "-c", HAND_IN,
                       env={"ODP_SERVICE_URL": hub.service_url, "JUPYTERHUB_API_TOKEN": hub.token_for(cat)})
    assert "HANDED IN" in done.stdout
    grade_as_assessor(hub, ann, WRITTEN, publish=False)
    seen: dict[str, object] = {}
    with chromium(signed_in=False) as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
        page = context.new_page()
        sign_in(page, hub, ann)
        page.locator("main").first.wait_for(timeout=120_000)
        reply = page.goto(hub.marking_url)
        seen["status"] = reply.status if reply else None
        page.locator(".mk table").wait_for(timeout=180_000)
        seen["signed in as"] = page.locator(".mk .mk-hint").first.inner_text()
        seen["axe list"] = axe_violations(page)
        page.get_by_role("button", name=f"Mark {cat}").click()
        page.wait_for_function("document.activeElement && document.activeElement.id === 'mk-heading'",
                               timeout=60_000)
        seen["heading"] = page.locator("#mk-heading").inner_text()
        seen["axe submission"] = axe_violations(page)

        # a second assessor at the same time, in the same app: each page has its own marker
        other = browser.new_context(locale="en-GB").new_page()
        sign_in(other, hub, hub.people["ash"])
        other.locator("main").first.wait_for(timeout=120_000)
        other.goto(hub.marking_url)
        other.locator(".mk table").wait_for(timeout=180_000)
        seen["second signed in as"] = other.locator(".mk .mk-hint").first.inner_text()
        seen["first still"] = page.locator(".mk .mk-hint").first.inner_text()
        seen["environ"] = marking_environments()

        hub.api("POST", f"/users/{ann}/server")
        wait_for(lambda: (hub.api("GET", f"/users/{ann}").get("servers") or {}).get("", {}).get("ready"))
        tab = context.new_page()  # a tab of its own, in his signed-in browser
        reply = tab.goto(f"{hub.url}/user/{ann}/formgrader")
        seen["formgrader status"] = reply.status if reply else None
        try:
            tab.get_by_text(WRITTEN, exact=True).first.wait_for(timeout=120_000)
        finally:
            seen["formgrader"] = tab.locator("body").inner_text()
            print("formgrader:", tab.url, seen["formgrader"][:3000])
        # her submission, as the gradebook in the course's PostgreSQL has it
        tab.goto(f"{hub.url}/user/{ann}/formgrader/manage_submissions/{WRITTEN}")
        tab.get_by_text(cat).first.wait_for(timeout=120_000)
        seen["formgrader submissions"] = tab.locator("body").inner_text()

    for who in ("amy", "mo"):
        with chromium(signed_in=False) as browser:
            page = browser.new_page(locale="en-GB")
            sign_in(page, hub, hub.people[who])
            page.locator("main").first.wait_for(timeout=120_000)
            reply = page.goto(hub.marking_url)
            seen[f"{who} status"] = reply.status if reply else None
            seen[f"{who} page"] = page.content()
    return seen


def marking_environments() -> dict[int, tuple[str, str]]:
    """Every process of the marking app's OS user (the server, its fork server and the kernels
    forked from it): command line and environment."""
    from course.config import Settings

    found = {}
    for pid in subprocess.run(["pgrep", "-u", Settings().hub_marking_user], capture_output=True,
                              text=True).stdout.split():
        try:
            proc = Path(f"/proc/{pid}")
            found[int(pid)] = ((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"),
                               (proc / "environ").read_bytes().decode(errors="replace"))
        except FileNotFoundError:
            continue
    return found


def test_the_assessor_marks_in_the_marking_app_under_his_own_hub_name(hub, marking):
    assert marking["status"] == 200
    assert marking["signed in as"] == f"Signed in as {hub.people['ann']}."
    assert marking["second signed in as"] == f"Signed in as {hub.people['ash']}."
    assert marking["first still"] == f"Signed in as {hub.people['ann']}."
    assert marking["heading"].startswith(f"Marking {hub.people['cat']}:")
    assert marking["axe list"] == []
    assert marking["axe submission"] == []


def test_learners_and_line_managers_are_refused_the_marking_app(hub, marking):
    for who in ("amy", "mo"):
        assert marking[f"{who} status"] == 403, who
        assert "Mark written assignments" not in marking[f"{who} page"]


def test_no_assessor_or_hub_token_is_shared_through_the_marking_apps_environment(hub, marking):
    processes = marking["environ"]
    servers = [pid for pid, (cmd, _) in processes.items() if "course.hub.marking_app" in cmd]
    assert len(servers) == 1 and len(processes) >= 4, "the app, its fork server and two pages' kernels"
    secrets = hub.layout.read_secrets(create=False)
    for pid, (cmd, environ) in processes.items():
        assert "ODP_ASSESSOR=" not in environ, cmd  # who is marking is per page, from the hub
        assert "ODP_DATABASE_URL" not in environ and secrets["db_service"] not in environ, cmd
        if pid not in servers:  # the app's own hub token stays in the app
            assert "JUPYTERHUB_API_TOKEN" not in environ, cmd


def test_the_assessor_opens_the_formgrader_in_its_own_tab(hub, marking):
    assert marking["formgrader status"] == 200
    assert WRITTEN in marking["formgrader"] and UNIT in marking["formgrader"]
    assert hub.people["cat"] in marking["formgrader submissions"]
