"""What the browser benches share: timing a page in Chromium from navigation until a condition
holds, and the machine's load to print beside the figures (this machine is shared, so a figure
means little without it)."""

from __future__ import annotations

import os
import statistics
import time


def visit(context, url: str, ready: str, timeout_s: float = 180) -> float:
    """Seconds from navigating a new page of ``context`` to ``url`` until the JavaScript
    expression ``ready`` is true; the page is closed after."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=timeout_s * 1000)
    took = time.perf_counter() - start
    page.close()
    return took


def first_visit(browser, url: str, ready: str, **context_options) -> float:
    """:func:`visit` in a new browser context: nothing cached, no cookie, as a first visit."""
    context = browser.new_context(**context_options)
    try:
        return visit(context, url, ready)
    finally:
        context.close()


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def summary(times: list[float]) -> str:
    """``p50 1.23 s (min 1.01, max 1.50)``"""
    return f"p50 {statistics.median(times):5.2f} s (min {min(times):.2f}, max {max(times):.2f})"
