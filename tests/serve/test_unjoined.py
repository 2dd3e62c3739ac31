"""A page's kernel that no browser ever connects to (fetched by a bot, a prefetch, a browser
whose scripts failed) is shut down once idle for the join grace, not left for the idle cull;
kernels waiting in the pool, and pages that are connected, keep theirs. Against a real
`odp serve` (Voila) with a pool of one and a 5 s join grace, over HTTP and a websocket."""

from __future__ import annotations

import asyncio
import time

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from tests.browser import AUTH_HEADER, odp_serve
from tests.serve.running import course_copy, get, kernel_ids, wait_until

pytestmark = pytest.mark.slow

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"
GRACE = 5


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("course"))
    env = {"ODP_JOIN_GRACE_SECONDS": str(GRACE), "ODP_POOL_REFILL_SECONDS": "1",
           "ODP_DEMO_COHORT": "10"}
    with odp_serve(root, "--pool-size", "1", "--max-kernels", "4", env=env) as s:
        assert wait_until(lambda: len(kernel_ids(s)) == 1, 90), "the pool kernel did not start"
        yield s


def test_a_page_no_browser_connected_to_releases_its_kernel(served):
    s = served
    (pooled,) = kernel_ids(s)
    # Waiting in the pool is not being stranded: give a wrong reaper twice the grace to act.
    time.sleep(2 * GRACE)
    assert pooled in kernel_ids(s)
    assert get(s.base + UNIT)[0] == 200  # takes the pooled kernel; nothing ever connects
    assert wait_until(lambda: pooled not in kernel_ids(s), 120), "the unjoined page kept its kernel"
    assert "no page connected to it" in s.log.read_text()
    # The pool was refilled, and its new kernel stays.
    assert wait_until(lambda: len(kernel_ids(s)) == 1, 60)


def test_a_connected_page_keeps_its_kernel(served):
    s = served
    assert wait_until(lambda: len(kernel_ids(s)) == 1, 60)
    before = kernel_ids(s)
    assert get(s.base + UNIT)[0] == 200
    (kernel,) = before  # the page took the pooled one
    socket = s.base.replace("http", "ws") + f"/api/kernels/{kernel}/channels"

    async def connected_for_a_while() -> bool:
        ws = await websocket_connect(HTTPRequest(socket, headers=AUTH_HEADER))
        await asyncio.sleep(3 * GRACE)  # time for a wrong reaper to act on a joined kernel
        alive = kernel in kernel_ids(s)
        ws.close()
        return alive
    assert asyncio.run(connected_for_a_while()), "a connected page's kernel was shut down"
    # Once its socket closes, the page's reaper releases it as before.
    assert wait_until(lambda: kernel not in kernel_ids(s), 60), "not reaped after the socket closed"
