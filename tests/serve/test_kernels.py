"""Preheated unit apps and a bound on live kernels, against a real `odp serve` (Voila).

The server runs with one preheated kernel for the unit app and at most three kernels alive.
Pages are fetched over HTTP (no browser), so their kernels stay until the culler reaps them
(idle for 30 s here)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from course.record.remote import CACHE_FILE
from tests.browser import odp_serve
from tests.serve.running import course_copy, get, wait_until

pytestmark = pytest.mark.slow

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
MAX = 3


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    # Pools refill a second after a kernel is taken; idle page kernels are culled after 30 s
    # (long enough for the bound to be tested first).
    env = {"ODP_CULL_IDLE_SECONDS": "30", "ODP_CULL_INTERVAL_SECONDS": "2",
           "ODP_POOL_REFILL_SECONDS": "1", "ODP_DEMO_COHORT": "10"}
    with odp_serve(root, "--pool-size", "1", "--max-kernels", str(MAX), env=env) as s:
        yield s, root / ".odp-data" / "learners" / "demo-learner"


def test_a_pooled_unit_app_waits_for_its_request_before_opening_the_record(served):
    s, folder = served
    assert wait_until(lambda: s.kernels() == 1, 90), "the pool kernel did not start"
    time.sleep(3)  # let it run as far as it will before a request
    record = folder / "sample-unit" / CACHE_FILE  # her copy of the service's record
    assert not record.exists()  # so a page from the pool can never show a stale record
    began = time.monotonic()
    status, page = get(s.base + UNIT)
    assert status == 200 and "application/vnd.jupyter.widget-view+json" in page
    assert record.exists()  # opened when the learner asked for the page
    assert time.monotonic() - began < 15


def test_pages_beyond_the_bound_get_a_clear_503_at_once(served):
    s, _ = served
    assert wait_until(lambda: s.kernels() == 2, 90)  # the page's kernel + the refilled pool
    assert get(s.base + UNIT)[0] == 200  # takes the pooled kernel; the pool refills: 3 live
    assert wait_until(lambda: s.kernels() == MAX, 90)
    # The refilled pool kernel can still serve a unit page; its own refill is refused.
    assert get(s.base + UNIT)[0] == 200
    began = time.monotonic()
    status, body = get(s.base + UNIT)  # no pooled kernel left: would need a fourth
    assert status == 503 and "The course is busy" in body and "too many course pages" in body
    assert time.monotonic() - began < 10, "a refused page must not wait"

    peak = [s.kernels()]
    with ThreadPoolExecutor(6) as pool:
        burst = pool.map(lambda path: get(s.base + path, timeout=60), [UNIT] * 6)
        for _ in range(10):
            peak.append(s.kernels())
            time.sleep(0.3)
        statuses = [status for status, _ in burst]
    assert statuses == [503] * 6
    assert max(peak) <= MAX


def test_room_comes_back_when_idle_kernels_are_culled(served):
    s, _ = served
    # Three unit pages hold the three kernels; once idle for 30 s they are culled, the pool
    # is topped up again, and pages open.
    status = wait_until(lambda: get(s.base + UNIT)[0] == 200, 120, every=3)
    assert status, "no page opened after idle kernels were culled"
    assert wait_until(lambda: get(s.base + UNIT)[0] == 200, 60, every=3)
    assert s.kernels() <= MAX
