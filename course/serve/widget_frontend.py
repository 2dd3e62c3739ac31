"""A widget's front end fetched once, not sent with every widget.

anywidget sends a widget's ``_esm`` and ``_css`` in its state, so a unit page of 45 widgets
carried 45 copies of ``widgets.js`` and ``widgets.css`` (about 2 MB of JSON) over its websocket.
Here a widget's ``_esm`` is a small loader that imports the real module from a content-addressed
URL, ``<base>voila/odp-widgets/<sha256>.js`` (and adds ``<sha256>.css``), which the course's
servers answer with an immutable cache header (``course.serve.bundle``): the browser fetches it
once per version, for every page.

Where no server answers those URLs (plain JupyterLab, or a blocked request), the loader asks
the widget's kernel for the source over the comm (``{"odp_source": true}``) and uses that: the
widget works everywhere a plain anywidget would, only without the saving.

Standard library and anywidget only: every unit kernel imports it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import anywidget

URL_PATH = "odp-widgets"   # under <base>voila/
SOURCE_REQUEST = "odp_source"

# {JS} and {CSS} are replaced with the digests' file names. One promise per module for the whole
# page (globalThis), so 45 widgets import it once; a failed load is forgotten so the next
# widget tries again.
LOADER = """// Loads the course's widget front end once per page (course/serve/widget_frontend.py).
const JS = "{JS}", CSS = "{CSS}";
const loads = (globalThis.__odpFrontEnds ??= {{}});

function root() {{
  // Voila's pages: <body data-base-url="<base>voila/">; JupyterLab: its page config.
  const own = document.body && document.body.dataset.baseUrl;
  if (own) return own;
  try {{
    const base = JSON.parse(document.getElementById("jupyter-config-data").textContent).baseUrl;
    return base.replace(/\\/?$/, "/") + "voila/";
  }} catch (_) {{ return null; }}
}}

function sheet(href) {{
  return new Promise((resolve, reject) => {{
    const link = Object.assign(document.createElement("link"), {{ rel: "stylesheet", href }});
    link.onload = resolve;
    link.onerror = () => {{ link.remove(); reject(new Error(`${{href}} did not load`)); }};
    document.head.append(link);
  }});
}}

function fromKernel(model) {{
  return new Promise((resolve) => {{
    const answer = (msg) => {{
      if (msg && msg.odp_source) {{ model.off("msg:custom", answer); resolve(msg.odp_source); }}
    }};
    model.on("msg:custom", answer);
    model.send({{ odp_source: true }});
  }});
}}

async function load(model) {{
  const base = root();
  try {{
    if (!base) throw new Error("no base URL");
    const at = new URL(base + "{PATH}/", window.location.href).href;
    const [module] = await Promise.all([import(at + JS), sheet(at + CSS)]);
    return module;
  }} catch (_) {{
    const source = await fromKernel(model);
    document.head.append(Object.assign(document.createElement("style"), {{ textContent: source.css }}));
    const url = URL.createObjectURL(new Blob([source.js], {{ type: "text/javascript" }}));
    try {{ return await import(url); }} finally {{ URL.revokeObjectURL(url); }}
  }}
}}

function frontEnd(model) {{
  if (!loads[JS]) loads[JS] = load(model).catch((err) => {{ delete loads[JS]; throw err; }});
  return loads[JS];
}}

export default {{
  async render(view) {{
    const module = await frontEnd(view.model);
    return module.default.render(view);
  }},
}};
"""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cache
def asset(path: Path) -> tuple[str, bytes]:
    """(sha256 hex digest, bytes) of a front-end file."""
    data = Path(path).read_bytes()
    return digest(data), data


COURSE = Path(__file__).resolve().parent.parent
# The front ends the course's servers serve under /voila/odp-widgets/ (bundle.py): every widget's.
KNOWN = (COURSE / "widgets/static/widgets.js", COURSE / "widgets/static/widgets.css",
         COURSE / "marking/static/marking.js", COURSE / "marking/static/marking.css")
def loader(js: Path, css: Path) -> str:
    """The ``_esm`` of a widget whose module is ``js`` and style ``css`` (both in ``KNOWN``, which
    the servers serve by digest)."""
    return LOADER.format(JS=asset(js)[0] + ".js", CSS=asset(css)[0] + ".css", PATH=URL_PATH)


class FetchedFrontEnd(anywidget.AnyWidget):
    """An anywidget whose front end (``_front_end_js``, ``_front_end_css``) the browser fetches
    by digest; subclasses set those two paths and the loader becomes their ``_esm``."""

    _front_end_js: Path
    _front_end_css: Path

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_front_end_js" in cls.__dict__:
            cls._esm = loader(cls._front_end_js, cls._front_end_css)
            cls._css = ""  # the loader adds the style sheet

    def _handle_custom_msg(self, content: Any, buffers: Any) -> None:
        # The loader could not fetch the module: it asks for the source (never an action).
        if isinstance(content, dict) and content.get(SOURCE_REQUEST) is True and len(content) == 1:
            self.send({SOURCE_REQUEST: {"js": asset(self._front_end_js)[1].decode("utf-8"),
                                        "css": asset(self._front_end_css)[1].decode("utf-8")}})
            return
        super()._handle_custom_msg(content, buffers)

