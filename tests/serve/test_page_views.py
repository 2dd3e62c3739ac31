"""A learner clicking about in one tab never strands kernels or meets "the course is busy":
60 page views (the course service's home and her progress page, the unit app in Voila, Back,
reload, an old bookmark of the Voila home) in headless Chromium against a real `odp serve`,
signed in from the URL it prints. The live kernels are counted by Voila's own kernel manager
(``/voila/api/kernels``) all the while, never inferred from timings."""

from __future__ import annotations

import re

import threading

import pytest

from tests.browser import chromium, odp_serve
from tests.serve.running import course_copy, printed_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWS = 60
MOST_LIVE = 3
UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
OLD_HOME = "/voila/render/home.ipynb"  # a bookmark from when Voila served the home


class KernelWatch:
    """Counts the server's live kernels every 0.2 s in a thread; keeps the highest seen."""

    def __init__(self, served) -> None:
        self.served, self.peak, self.seen = served, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            count = len(self.served.live_kernels())
            self.seen.append(count)
            self.peak = max(self.peak, count)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    # No pool, the default bound (12): a leak shows as a count above 3, before any 503.
    with odp_serve(root, "--pool-size", "0", env={"ODP_DEMO_COHORT": "10"}) as s:
        yield s, root / ".odp-data" / "learners" / "demo-learner"


def test_sixty_page_views_in_one_tab_no_503_and_at_most_three_kernels(served):
    s, folder = served
    home = printed_link(s)
    service = home.split("?")[0]
    boards = [service + "progress", s.url(OLD_HOME)]  # her dashboard; the old bookmark: the home
    statuses: list[tuple[int, str]] = []

    with chromium(signed_in=False) as browser, KernelWatch(s) as watch:
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="en-GB")
        page.on("response", lambda r: r.request.resource_type == "document"
                and statuses.append((r.status, r.url)))

        def shown(kind: str) -> None:
            if kind == "unit":
                page.wait_for_function("document.querySelectorAll('.odp-question').length >= 10",
                                       timeout=90_000)
            else:
                page.wait_for_selector("main h1", timeout=90_000)
            page.wait_for_function("!document.querySelector('#loading') || "
                                   "getComputedStyle(document.querySelector('#loading')).display === 'none'",
                                   timeout=90_000)

        page.goto(home, wait_until="commit")  # signs in to the course service (a cookie)
        shown("home")
        views = 1
        steps = []
        while views < VIEWS:
            board = boards[views % len(boards)]
            steps = [("link", "unit"), ("reload", "unit"), ("back", "home"), ("goto", board),
                     ("reload", board), ("back", "home"), ("reload", "home")]
            for action, target in steps:
                if views >= VIEWS:
                    break
                if action == "link":
                    page.get_by_role("link", name=re.compile(r"^Go to .*900.*Sample unit")).click()
                    page.wait_for_url(lambda url: UNIT in url)  # signed in to Voila by the link
                elif action == "back":
                    page.go_back()
                elif action == "reload":
                    page.reload()
                else:
                    page.goto(target)
                shown("unit" if target == "unit" else "page")
                views += 1
        page.close()

    assert len(statuses) >= VIEWS
    assert [st for st in statuses if st[0] >= 400] == []  # no 503, no refused request
    assert watch.seen and watch.peak >= 1, "the kernels were never counted"
    assert watch.peak <= MOST_LIVE, f"{watch.peak} live kernels at once"
