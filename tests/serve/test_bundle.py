"""A unit page under a real `odp serve`, in headless Chromium, loads its front end from
content-addressed URLs cached for good (course/serve/bundle.py, widget_frontend.py): the widgets'
module and style once per browser, and Voila's scripts in one page bundle; a revisit fetches
none of them again; an unknown digest is 404; a widget whose module cannot be fetched gets its
source from its kernel and works the same; and the page stays free of axe violations."""

from __future__ import annotations

import base64
import re

import pytest

from course.serve.widget_frontend import asset
from course.widgets.base import CourseWidget
from tests.browser import axe_violations, chromium, odp_serve, tab_to, wait_for_widgets
from tests.serve.running import course_copy, get

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
QUESTIONS = 10
WIDGET_JS = asset(CourseWidget._front_end_js)[0] + ".js"
WIDGET_CSS = asset(CourseWidget._front_end_css)[0] + ".css"
DIGEST_URL = re.compile(r"/voila/odp-(widgets|bundle)/[0-9a-f]{64}\.(js|css)$")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    with odp_serve(root, "--pool-size", "0") as s, chromium() as browser:
        yield s, browser


def visit(context, url: str) -> tuple[object, list[dict], bytes]:
    """Open ``url`` in ``context`` until its questions render: the page, every request (url,
    status, headers, whether the browser's cache answered it) and what the kernel's websocket
    sent, as Chromium's DevTools protocol reports them."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, dict] = {}
    frames: list[bytes] = []

    def received(event):
        response = event["response"]
        seen[event["requestId"]] = {
            "url": response["url"], "status": response["status"],
            "headers": {k.lower(): v for k, v in response["headers"].items()},
            "cached": bool(response.get("fromDiskCache") or response.get("fromMemoryCache"))}

    def frame(event):
        data = event["response"]["payloadData"]
        frames.append(base64.b64decode(data) if event["response"]["opcode"] == 2 else data.encode())

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", lambda e: seen.setdefault(e["requestId"], {}).update(cached=True))
    cdp.on("Network.webSocketFrameReceived", frame)
    page.goto(url, timeout=120_000)
    wait_for_widgets(page, QUESTIONS, timeout=120_000)
    page.wait_for_load_state("networkidle")
    return page, [r for r in seen.values() if "url" in r], b"".join(frames)


def test_widgets_and_bundle_come_by_digest_cached_for_good_and_not_fetched_again(served):
    s, browser = served
    context = browser.new_context()
    page, first, sent = visit(context, s.base + UNIT)
    digests = {r["url"].rsplit("/", 1)[1]: r for r in first if DIGEST_URL.search(r["url"])}
    assert WIDGET_JS in digests and WIDGET_CSS in digests, [r["url"] for r in first]
    bundles = [r for r in first if "/voila/odp-bundle/" in r["url"]]
    assert len(bundles) == 1
    for response in digests.values():
        assert response["status"] == 200
        assert response["headers"]["cache-control"] == "public, max-age=31536000, immutable"
        assert response["headers"].get("content-encoding") == "gzip"
    # One module for all the page's widgets, and none of Voila's chunks one by one.
    assert sum(1 for r in first if r["url"].endswith(WIDGET_JS)) == 1
    assert not [r for r in first if re.search(r"/voila/static/\d+\.voila\.js", r["url"])]
    # Each widget's state carries the small loader, not the module or its style.
    assert WIDGET_JS.encode() in sent
    assert b"installContentsLinks" not in sent and b".odp .odp-question {" not in sent
    page.close()

    page, again, _ = visit(context, s.base + UNIT)
    fetched = [r["url"] for r in again if DIGEST_URL.search(r["url"]) and not r["cached"]]
    assert fetched == []
    assert [r for r in again if DIGEST_URL.search(r["url"])], "the page did not load them at all"
    page.close()
    context.close()


def test_an_unknown_digest_is_404(served):
    s, _ = served
    for path in (f"/voila/odp-widgets/{'0' * 64}.js", f"/voila/odp-bundle/{'0' * 64}.js",
                 "/voila/odp-widgets/widgets.js", f"/voila/odp-widgets/{WIDGET_JS[:-3]}.txt"):
        assert get(s.base + path)[0] == 404, path
    status, body = get(s.base + "/voila/odp-widgets/" + WIDGET_JS)
    assert status == 200 and "export default" in body


def test_a_widget_whose_module_is_blocked_gets_it_from_its_kernel_and_works(served):
    s, browser = served
    context = browser.new_context()
    blocked = []
    context.route(re.compile(r".*/voila/odp-widgets/.*"),
                  lambda route: (blocked.append(route.request.url), route.abort()))
    page = context.new_page()
    page.goto(s.base + UNIT, timeout=120_000)
    wait_for_widgets(page, QUESTIONS, timeout=120_000)
    # Styled as ever (the kernel's copy of the style sheet), and it still answers.
    assert blocked
    assert page.evaluate("getComputedStyle(document.querySelector('.odp .odp-question')).marginBottom") == "32px"
    question = page.locator(".odp-question").filter(has=page.locator("input[type=radio]")).first
    qid = question.get_attribute("id")
    tab_to(page, f"#{qid} input[type=radio]")
    page.keyboard.press("Space")
    tab_to(page, f"#{qid} button")
    page.keyboard.press("Enter")
    page.locator(f"#{qid} [aria-live=polite]").filter(has_text=re.compile(r"\w")).first.wait_for(timeout=60_000)
    page.close()
    context.close()


def test_the_page_has_no_axe_violations_and_keeps_its_landmarks(served):
    s, browser = served
    page = browser.new_page()
    page.goto(s.base + UNIT, timeout=120_000)
    wait_for_widgets(page, QUESTIONS, timeout=120_000)
    assert axe_violations(page) == []
    assert page.locator("main#odp-main").count() == 1
    assert page.locator("a.odp-skip-link").first.get_attribute("href") == "#odp-main"
    assert page.title().endswith("– ODP course")
    page.close()
