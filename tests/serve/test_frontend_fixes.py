"""The page bundle's fix to ipywidgets' ``get_model`` (course/serve/frontend_fixes.py) applies to
the version it names, and on a real unit page under `odp serve`, in Chromium, the widget manager
finds a model that arrives late in the two ways that left widgets showing "Error displaying
widget: model not found" when several pages opened at once on a busy server:

- the model is registered during the poll's last sleep, and the page is busy past the 2 s mark
  (stock 8.1.9 gives up without a last look);
- the kernel's widgets are still being restored after 2 s (stock gives up at 2 s).

Timing on a busy server cannot be reproduced on demand, so each case drives the page's own
widget manager into that state directly; both fail without the fix. A model that never comes
is still an error."""

from __future__ import annotations

from importlib import metadata

import pytest

from course.serve import bundle, frontend_fixes
from tests.browser import chromium, odp_serve, wait_for_widgets
from tests.serve.running import course_copy

UNIT = "/voila/render/sample-unit/sample-unit.ipynb"


def test_every_fix_applies_to_the_version_it_names_and_is_in_the_bundle():
    _, page_bundle = bundle.page_bundle()
    for fix in frontend_fixes.FIXES:
        if metadata.version(fix.package) != fix.version:
            continue  # another version: the browser test below says whether it needs the fix
        found = bundle._find(fix.entry)
        assert found is not None, f"{fix.entry} is not installed: is bundle.txt out of date?"
        frontend_fixes.apply(fix, found.read_text(encoding="utf-8"))  # raises if not exactly once
        assert fix.new.encode() in page_bundle.data
        assert fix.old.encode() not in page_bundle.data


def test_a_fix_that_does_not_match_leaves_the_file_unchanged_and_says_why():
    data = b"console.log('another version');"
    out, problems = frontend_fixes.fixed(frontend_fixes.GET_MODEL.entry, data)
    assert out == data
    assert len(problems) == 1 and "occurs 0 times, not once" in problems[0]
    assert frontend_fixes.fixed("static/other.js", data) == (data, [])


# Each returns what the page's get_model gave: "found", or the error's text. ``fresh`` names the
# model ids so that the cases do not meet.
LAST_SLEEP = """async (fresh) => {
  const manager = window.jupyterapp.widgetManager;
  const model = await manager.get_model(Object.keys(manager._models)[0]);
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = `${fresh}-${attempt}`, started = Date.now();
    const asked = manager.get_model(id).then(() => "found", (e) => String(e));
    await new Promise((r) => setTimeout(r, 1900));
    // Register it before the 2 s mark, then keep the page busy past it, as a loaded page is
    // while it restores 90 models. A timer that fired too late for that is tried again.
    if (Date.now() - started >= 1990) { await asked; continue; }
    manager.register_model(id, Promise.resolve(model));
    while (Date.now() - started < 2300) {}
    return await asked;
  }
  return "the page was never on time";
}"""

STILL_RESTORING = """async (fresh) => {
  const manager = window.jupyterapp.widgetManager;
  const model = await manager.get_model(Object.keys(manager._models)[0]);
  manager._kernelRestoreInProgress = true;
  const started = Date.now();
  const asked = manager.get_model(fresh).then(() => "found", (e) => String(e));
  while (Date.now() - started < 2500) await new Promise((r) => setTimeout(r, 100));
  manager.register_model(fresh, Promise.resolve(model));
  manager._kernelRestoreInProgress = false;
  return await asked;
}"""

NEVER = """async (fresh) => {
  const manager = window.jupyterapp.widgetManager;
  return await manager.get_model(fresh).then(() => "found", (e) => String(e));
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_unit_page_widget_manager_finds_a_model_that_arrives_late(tmp_path):
    root = course_copy(tmp_path)
    with odp_serve(root, "--pool-size", "0") as served, chromium() as browser:
        page = browser.new_page()
        page.goto(served.base + UNIT, timeout=120_000)
        wait_for_widgets(page, 10, timeout=120_000)
        page.wait_for_function("window.jupyterapp && window.jupyterapp.widgetManager.restoredStatus")
        assert page.evaluate(LAST_SLEEP, "registered-in-last-sleep") == "found"
        assert page.evaluate(STILL_RESTORING, "registered-after-2s-of-restore") == "found"
        assert page.evaluate(NEVER, "never-registered") == "Error: widget model not found"
