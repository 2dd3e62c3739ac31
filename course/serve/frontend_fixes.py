"""Fixes to the third-party front-end files in the page bundle, applied as the bundle is built
(course/serve/bundle.py). Each is an exact text replacement in one file of one version; where a
file's text differs (another version), the file is bundled unchanged and the server logs that
the fix did not apply. ``tests/serve/test_frontend_fixes.py`` checks that each fix applies to
the version it names, and, whatever version is installed, that a real page behaves as fixed: a
new version that still has the fault fails it, so someone looks.

The one fix, for ipywidgets 8.1.9's widget manager (``@jupyter-widgets/base-manager``,
``ManagerBase.get_model``), is the cause of unit pages that showed "Error displaying widget:
model not found" for some of their widgets when several pages opened at once on a busy server.
The first renders ask for their models while the page is still fetching them from the kernel.
``get_model`` polls every 100 ms for 2 s and then gives up, and its last sleep ends in the throw
without a last look. When the kernel's answer came near the 2 s mark and the page finished
restoring during that last sleep (a busy page's timers fire late), the render failed with the
model there, after the manager said it had restored, so it was never retried
(jupyter-widgets/ipywidgets#4026, #4033; #4040 proposes waiting on registration instead). Fixed:
the poll goes on while the kernel's widgets are being restored, and takes a last look before
it gives up.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    package: str   # the Python package that installs the file, and the version fixed
    version: str
    entry: str     # the bundle.txt line of the file it changes
    old: str       # text that must occur exactly once in that file
    new: str
    why: str


GET_MODEL = Fix(
    package="jupyterlab_widgets", version="3.0.17",
    entry="labextensions/@jupyter-widgets/jupyterlab-manager/static/32.3281b05d23655ae8.js",
    old=('for(;Date.now()-o<2e3;){if(void 0!==(t=this._models[e]))return t;'
         'await new Promise(e=>setTimeout(e,100))}throw Error("widget model not found")'),
    new=('for(;Date.now()-o<2e3||this._kernelRestoreInProgress;){if(void 0!==(t=this._models[e]))return t;'
         'await new Promise(e=>setTimeout(e,100))}if(void 0!==(t=this._models[e]))return t;'
         'throw Error("widget model not found")'),
    why="get_model waits while the kernel's widgets are restored, and looks once more before it fails",
)

FIXES = (GET_MODEL,)


class FixDidNotApply(Exception):
    """A fix's text is not in its file exactly once: the file is another version."""


def apply(fix: Fix, text: str) -> str:
    count = text.count(fix.old)
    if count != 1:
        raise FixDidNotApply(f"{fix.entry}: the text to fix ({fix.package} {fix.version}) occurs "
                             f"{count} times, not once ({fix.why}); bundled unchanged")
    return text.replace(fix.old, fix.new)


def fixed(entry: str, data: bytes) -> tuple[bytes, list[str]]:
    """``data`` (the file of bundle.txt line ``entry``) with its fixes; and, for each fix that
    did not apply, why."""
    problems = []
    for fix in FIXES:
        if fix.entry != entry:
            continue
        try:
            data = apply(fix, data.decode("utf-8")).encode("utf-8")
        except FixDidNotApply as exc:
            problems.append(str(exc))
    return data, problems
