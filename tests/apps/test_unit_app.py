"""The demo unit served by Voila, in headless Chromium: accessible, keyboard-only, restores on
reload, and no answer key in the page before the learner answers."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.browser import axe_violations, chromium, odp_serve, tab_to, wait_for_widgets
from tests.conftest import FIXTURES
from tests.service.running import allow_a_resit, service_record

pytestmark = [pytest.mark.browser, pytest.mark.slow]
UNIT_URL = "/voila/render/sample-unit/sample-unit.ipynb"
WIDGETS_ON_PAGE = 10  # 5 questions, scenario, CPD log, checklist, reflection, test start


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "content"
    shutil.copytree(FIXTURES / "content", root)
    data = tmp_path_factory.mktemp("data")
    with odp_serve(root, "--data-dir", str(data), "--learner", "demo-learner") as running, chromium() as browser:
        yield running, browser, data / "learners" / "demo-learner" / "sample-unit"


@pytest.fixture
def served(server):
    running, browser, folder = server
    return running.base, browser, folder


def open_unit(browser, base):
    page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(base + UNIT_URL)
    wait_for_widgets(page, WIDGETS_ON_PAGE)
    return page


def question(item: str) -> str:
    return f"#odp-q-{item}"


def test_no_accessibility_violations_on_the_unit_and_home(server):
    """The unit, then its "Back to the course home" link: the course service's home, where she
    signed in with the link `odp serve` printed (a browser with no test header: her cookies)."""
    from tests.serve.running import printed_link

    running, browser, _ = server
    page = browser._browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page.goto(printed_link(running))  # signed in to the service (a cookie)
    page.wait_for_selector("main h1")
    page.goto(running.url(UNIT_URL))  # and to the unit apps (a cookie)
    wait_for_widgets(page, WIDGETS_ON_PAGE)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Back to the course home", exact=True).click()
    page.wait_for_url(printed_link(running).split("?")[0])  # the service's home
    page.wait_for_selector("main h1")
    assert "My pathway" in page.inner_text("main")
    assert axe_violations(page) == []
    page.close()


def test_no_answer_key_in_the_page_before_answering(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    html = page.content()
    for secret in ("Objectivity means basing advice on evidence", "Civil servants serve the party in power",
                   "implied special treatment", "You acted with impartiality", "quality",
                   "Targets are part of the Code", '"correct"', "Right. Honesty is one of"):
        assert secret not in html, secret
    page.close()


def test_radios_are_one_tab_stop_with_visible_focus_and_large_targets(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    tab_to(page, f"{question('values-q1')} input[type=radio]")
    focused = page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
        const r = el.getBoundingClientRect(); return {w: r.width, h: r.height, outline: s.outlineWidth, style: s.outlineStyle,
        legend: el.closest('fieldset').querySelector('legend').textContent}; }""")
    assert focused["w"] >= 24 and focused["h"] >= 24
    assert focused["outline"] == "3px" and focused["style"] == "solid"
    assert "Which of these is a Civil Service Code value?" in focused["legend"]
    page.keyboard.press("Tab")  # leaves the group in one press
    assert page.evaluate("document.activeElement.textContent") == "Check answer"
    page.close()


def test_keyboard_only_answers_every_widget_type_and_reload_restores(served):
    base, browser, folder = served
    page = open_unit(browser, base)
    kb = page.keyboard

    # single choice: arrow keys move within the group; the feedback is announced
    tab_to(page, f"{question('values-q1')} input[type=radio]")
    kb.press("ArrowDown")  # selects Objectivity (b)
    tab_to(page, f"{question('values-q1')} button")
    kb.press("Enter")
    live = page.locator(f"{question('values-q1')} [aria-live=polite]")
    live.get_by_text("Correct.").wait_for()

    # check with nothing chosen: an error summary takes focus
    tab_to(page, f"{question('values-q2')} button")
    kb.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.matches('.odp-error-summary')")
    assert "There is a problem" in page.evaluate("document.activeElement.textContent")
    tab_to(page, f"{question('values-q2')} input[value=true]")
    kb.press("Space")
    tab_to(page, f"{question('values-q2')} button")
    kb.press("Enter")
    page.locator(f"{question('values-q2')} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # multiple choice: Space ticks checkboxes
    for value in ("a", "d"):
        tab_to(page, f"{question('values-q3')} input[value={value}]")
        kb.press("Space")
    tab_to(page, f"{question('values-q3')} button")
    kb.press("Enter")
    page.locator(f"{question('values-q3')} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # numeric and text answers
    for item, text in (("values-q4", "4"), ("values-q5", "impartiality")):
        tab_to(page, f"{question(item)} input")
        kb.type(text)
        tab_to(page, f"{question(item)} button")
        kb.press("Enter")
        page.locator(f"{question(item)} [aria-live=polite]").get_by_text("Correct.").wait_for()

    # branching scenario: choose, continue, and focus moves to the outcome
    tab_to(page, f"{question('counter-request')} input[type=radio]")
    kb.press("Space")
    tab_to(page, f"{question('counter-request')} button")
    kb.press("Enter")
    page.locator(f"{question('counter-request')}").get_by_text("Best choice", exact=True).wait_for()

    # CPD log
    tab_to(page, f"{question('cpd')} input")
    kb.type("23/11/2026")
    tab_to(page, f"{question('cpd')} textarea")
    kb.type("Learn the seven UK GDPR principles")
    tab_to(page, f"{question('cpd')} button")
    kb.press("Enter")
    page.locator(f"{question('cpd')} .odp-cpd-list").get_by_text("Learn the seven UK GDPR principles").wait_for()

    # checklist and reflection
    tab_to(page, f"{question('ready')} input[value='1']")
    kb.press("Space")
    tab_to(page, f"{question('reflect')} textarea")
    kb.type("I treated every customer the same way.")
    kb.press("Tab")  # leaving the box saves it
    page.locator(f"{question('reflect')} .odp-count").get_by_text("You have 7 words").wait_for()

    # the test: start, answer, check your answers, submit
    allow_a_resit(folder.parents[2], "demo-learner", "sample-unit")  # an earlier test sat it
    tab_to(page, f"{question('test-start')} button")
    kb.press("Enter")
    page.wait_for_selector(".odp-check-answers")
    tab_to(page, ".odp-question[id^='odp-q-t'] input")
    kb.press("Space")
    tab_to(page, ".odp-check-answers button")
    kb.press("Enter")
    page.locator(".odp-check-answers").get_by_text("Submit your answers").wait_for()
    tab_to(page, ".odp-check-answers button:not(.odp-button--secondary)")
    kb.press("Enter")
    page.locator(".odp-check-answers").get_by_text("Test submitted").wait_for()

    # every action reached the record, and the chain is intact
    page.wait_for_timeout(500)
    header, entries = service_record(folder.parents[2], "demo-learner", "sample-unit")
    assert header.keyed  # sealed with the server-held key, not the public one
    kinds = {(e.item, e.kind) for e in entries}
    for expected in [("values-q1", "check"), ("values-q3", "answer"), ("values-q5", "check"),
                     ("counter-request", "step"), ("cpd", "answer"), ("ready", "answer"),
                     ("reflect", "answer"), ("test", "start"), ("test", "submit")]:
        assert expected in kinds, expected

    # reload: every widget comes back as the learner left it
    page.reload()
    wait_for_widgets(page, WIDGETS_ON_PAGE - 1)
    assert page.is_checked(f"{question('values-q1')} input[value=b]")
    assert page.is_checked(f"{question('values-q3')} input[value=d]")
    assert page.input_value(f"{question('values-q4')} input") == "4"
    assert page.input_value(f"{question('reflect')} textarea") == "I treated every customer the same way."
    assert page.is_checked(f"{question('ready')} input[value='1']")
    page.locator(f"{question('counter-request')}").get_by_text("Best choice", exact=True).wait_for()
    page.locator(f"{question('cpd')} .odp-cpd-list").get_by_text("Learn the seven UK GDPR principles").wait_for()
    page.locator(f"{question('values-q1')} [aria-live=polite]").get_by_text("Correct.").wait_for()
    page.get_by_text("start attempt 2").wait_for()
    page.close()


def focused(page) -> str:
    return page.evaluate("(() => { const e = document.activeElement; return e.tagName + '|' + e.className + '|'"
                         " + (e.textContent || '').trim().slice(0, 80); })()")


FOCUS_IS = ("([s, t]) => { const e = document.activeElement; return !!e && e.matches(s)"
            " && (e.textContent || '').includes(t); }")


def wait_focus(page, selector: str, text: str = "") -> None:
    """Wait until focus is on ``selector`` (holding ``text``), never on <body>."""
    page.wait_for_function(FOCUS_IS, arg=[selector, text], timeout=30_000)


def tab_to_text(page, selector: str, text: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` and holds ``text``."""
    for _ in range(limit):
        if page.evaluate(FOCUS_IS, [selector, text]):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with {text!r} by the Tab key")


def test_page_title_contents_list_and_a_skip_link_to_the_test(served):
    base, browser, _ = served
    page = open_unit(browser, base)
    assert page.title() == "Unit 900: Sample unit \u2013 ODP course"
    nav = page.locator("nav.odp-contents")
    for name in ("Back to the course home", "Civil Service values", "Check your understanding (5 questions)",
                 "Scenario: A request at the counter", "Your development (CPD)", "Plan your development",
                 "The unit test"):
        assert nav.get_by_role("link", name=name, exact=True).count() == 1, name
    # From the top of the page: the site's skip link, then the unit's skip link to the test
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page).endswith("Skip to the unit test")
    page.keyboard.press("Enter")
    wait_focus(page, "#odp-test")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.odp-question').id") == "odp-q-test-start" \
        or "odp-q-t" in page.evaluate("document.activeElement.closest('.odp-question').id")
    # a contents link moves focus to its part, so the next Tab carries on from there
    tab_to(page, "nav.odp-contents a[href='#odp-q-cpd']")
    page.keyboard.press("Enter")
    wait_focus(page, "#odp-q-cpd")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('#odp-q-cpd')")
    # and home
    tab_to(page, "nav.odp-contents .odp-contents__home a")
    # the course home, which the course service serves (its own sign-in: tests/serve/test_serve.py)
    href = page.evaluate("document.activeElement.href")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", href), href
    page.close()


def test_focus_follows_every_action_and_the_scenario_outcome_follows_the_path(served):
    base, browser, folder = served
    page = open_unit(browser, base)
    kb = page.keyboard
    q1 = question("values-q1")
    tab_to(page, f"{q1} input[type=radio]")
    kb.press("ArrowDown")
    tab_to(page, f"{q1} button")
    kb.press("Enter")
    wait_focus(page, f"{q1} [aria-live=polite] .odp-feedback")  # the feedback, which is announced
    assert "Correct." in focused(page) or "Not quite." in focused(page)

    # the scenario: start again if an earlier test finished it, then a poor choice
    sc = question("counter-request")
    if page.locator(sc).get_by_text("Start the scenario again").count():
        tab_to(page, f"{sc} button")
        kb.press("Enter")
        wait_focus(page, f"{sc} legend")
    tab_to(page, f"{sc} input[type=radio]")
    kb.press("ArrowDown")  # "Promise to look into it": a poor choice
    tab_to(page, f"{sc} button")
    kb.press("Enter")
    wait_focus(page, f"{sc} .odp-outcome h4")
    outcome = page.inner_text(f"{sc} .odp-outcome")
    assert "Your choice was a poor one" in outcome
    assert "Your first choice, \u201cPromise to look into it\u201d, was a poor choice. You have implied special treatment." in outcome
    page.locator(f"{sc} [aria-live=polite]").get_by_text("The scenario has ended").wait_for()

    # the test: start moves focus to the first question, Check your answers to what it found,
    # submitting to the confirmation
    allow_a_resit(folder.parents[2], "demo-learner", "sample-unit")  # an earlier test sat it
    tab_to(page, f"{question('test-start')} button")
    kb.press("Enter")
    wait_focus(page, ".odp-question[id^='odp-q-t'] legend")
    assert "Question 1 of 1" in focused(page)
    tab_to(page, ".odp-check-answers button")
    kb.press("Enter")
    wait_focus(page, ".odp-check-answers .odp-warning")
    assert "You have not answered 1 question" in focused(page)
    tab_to(page, ".odp-check-answers button:not(.odp-button--secondary)")
    kb.press("Enter")
    wait_focus(page, ".odp-check-answers .odp-panel--confirmation")
    assert axe_violations(page) == []
    page.close()


def test_a_cpd_review_written_later_keeps_both_versions(served):
    base, browser, folder = served
    page = open_unit(browser, base)
    kb = page.keyboard
    cpd = question("cpd")
    tab_to(page, f"{cpd} input")
    kb.type("2/11/2026")
    tab_to(page, f"{cpd} textarea")
    kb.type("Shadow a colleague on the benefit enquiry line")
    tab_to(page, f"{cpd} .odp-fieldset button")
    kb.press("Enter")
    wait_focus(page, f"{cpd} h4", "Entry of 2 November 2026")  # focus moves to the saved entry
    # weeks later: edit it and write the Review
    edit = page.locator(f"{cpd} button", has_text="Edit this entry of 2 November 2026")
    tab_to_text(page, f"{cpd} button", "Edit this entry of 2 November 2026")
    kb.press("Enter")
    wait_focus(page, f"{cpd} legend")
    assert focused(page).endswith("Edit your entry of 2 November 2026")
    assert page.input_value(f"{cpd} input") == "02/11/2026"
    tab_to(page, f"{cpd} .odp-fieldset .odp-form-group:nth-of-type(4) textarea")  # Review
    kb.type("I now use the call guide to check identity before I discuss a claim")
    tab_to_text(page, f"{cpd} .odp-fieldset button", "Save changes")
    kb.press("Enter")
    wait_focus(page, f"{cpd} h4", "Entry of 2 November 2026")
    entry = page.locator(f"{cpd} .odp-cpd-entry", has_text="Entry of 2 November 2026")
    assert "I now use the call guide" in entry.inner_text()
    assert re.search(r"Version 2, saved \d{1,2} \w+ \d{4} at \d{2}:\d{2}", entry.inner_text())
    page.locator(f"{cpd} [aria-live=polite]").get_by_text("This is version 2").wait_for()
    entry.get_by_text("Earlier versions of this entry (1)").click()
    assert "Not written yet" in entry.locator("details").inner_text()
    assert axe_violations(page) == []
    assert edit.count() == 1
    _, entries = service_record(folder.parents[2], "demo-learner", "sample-unit")
    saves = [e for e in entries if e.item == "cpd" and e.extra.get("cpd_entry")]
    mine = [e for e in saves if any(x["plan"].startswith("Shadow a colleague") for x in e.response)]
    reviews = [next(x for x in e.response if x["plan"].startswith("Shadow"))["review"] for e in mine]
    assert reviews == ["", "I now use the call guide to check identity before I discuss a claim"]
    # reload: the latest version, with the earlier one listed
    page.reload()
    wait_for_widgets(page, WIDGETS_ON_PAGE - 1)
    page.locator(f"{cpd} .odp-cpd-list").get_by_text("I now use the call guide").wait_for()
    page.locator(f"{cpd}").get_by_text("Earlier versions of this entry (1)").wait_for()
    page.close()


FORGE = """async ({ kid, forge }) => {
  // A second connection to the page's kernel, as a learner's own script in the browser would open.
  const ws = new WebSocket(`ws://${location.host}/api/kernels/${kid}/channels?session_id=forger`);
  await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = () => bad(new Error("websocket refused")); });
  const msgs = [];
  ws.onmessage = (e) => msgs.push(JSON.parse(e.data));
  const send = (msg_type, content) => {
    const msg_id = Math.random().toString(36).slice(2);
    ws.send(JSON.stringify({ header: { msg_id, msg_type, username: "", session: "forger", version: "5.3",
      date: new Date().toISOString() }, parent_header: {}, metadata: {}, content, channel: "shell", buffers: [] }));
    return msg_id;
  };
  const waitFor = async (pred) => {
    const end = Date.now() + 20000;
    while (Date.now() < end) { const m = msgs.find(pred); if (m) return m; await new Promise((r) => setTimeout(r, 50)); }
    throw new Error("no reply; got " + msgs.map((m) => m.header.msg_type).join(","));
  };
  const info = send("comm_info_request", { target_name: "jupyter.widget" });
  const comms = Object.keys((await waitFor((m) => m.parent_header.msg_id === info && m.header.msg_type === "comm_info_reply")).content.comms);
  const states = {};
  for (const comm_id of comms) {
    const req = send("comm_msg", { comm_id, data: { method: "request_state" } });
    states[comm_id] = (await waitFor((m) => m.parent_header.msg_id === req && m.header.msg_type === "comm_msg")).content.data.state;
  }
  const [target, state] = Object.entries(states).find(([, s]) => s.mode === "summative"
    && ["single", "multiple", "true_false"].includes(s.kind));  // a question of the paper
  const option = state.options[0].id;
  const upd = send("comm_msg", { comm_id: target, data: { method: "update", state: { mode: "formative", has_hint: true } } });
  // the kernel puts the browser's copy back to its own values
  const revert = await waitFor((m) => m.parent_header.msg_id === upd && m.header.msg_type === "comm_msg"
    && m.content.data.method === "update" && "mode" in m.content.data.state);
  for (const content of [{ action: "check", response: [option] }, { action: "restore" }, { action: "hint" }]) {
    send("comm_msg", { comm_id: target, data: { method: "custom", content } });
  }
  const check = send("comm_msg", { comm_id: target, data: { method: "request_state" } });
  const after = (await waitFor((m) => m.parent_header.msg_id === check && m.header.msg_type === "comm_msg")).content.data.state;
  const errors = msgs.filter((m) => m.header.msg_type === "error" || (m.header.msg_type === "stream" && m.content.name === "stderr"));
  ws.close();
  return { item: state.item_id, reverted: revert.content.data.state, after: { mode: after.mode, feedback: after.feedback,
    has_hint: after.has_hint }, errors: errors.map((m) => JSON.stringify(m.content).slice(0, 300)) };
}"""


def test_forged_browser_messages_are_refused(server):
    running, browser, folder = server
    page = open_unit(browser, running.base)
    if page.locator(question("test-start")).count():
        allow_a_resit(folder.parents[2], "demo-learner", "sample-unit")  # an earlier test sat it
        page.click(f"{question('test-start')} button")
    page.wait_for_selector(".odp-question[id^='odp-q-t'] legend")
    kid = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
    result = page.evaluate(FORGE, {"kid": kid, "forge": True})
    assert result["reverted"]["mode"] == "summative" and result["reverted"]["has_hint"] is False
    assert result["after"] == {"mode": "summative", "feedback": {}, "has_hint": False}
    assert result["errors"] == []  # no traceback (or anything else) sent towards the page
    assert page.locator(f"{question(result['item'])} button", has_text="Check answer").count() == 0
    _, entries = service_record(folder.parents[2], "demo-learner", "sample-unit")
    assert not [e for e in entries if e.item == result["item"] and e.kind == "check"]
    log = running.log.read_text()
    assert "refused a browser message: kernel-only or invalid traits has_hint, mode" in log
    assert "unknown action 'check'" in log and "unknown action 'restore'" in log
    assert "Traceback" not in page.inner_text("body")
    page.close()
