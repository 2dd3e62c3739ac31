"""What the assessor and the learner are shown of a submission holds nothing that runs.

A learner can put markup anywhere in the notebook she hands in: a markdown or raw cell of her
own (``<img src=x onerror=…>``, ``<script>``), an edited cell, or HTML that her code displays.
nbgrader's formgrader and its feedback render all of it as the notebook's HTML, in the
assessor's browser. ``MakeInert`` (nbconvert's own ``SanitizeHTML``, which cleans with bleach,
with a strict allow-list) runs on the autograded copy, which the formgrader renders, and again
in ``generate_feedback``:

- every markdown and raw cell that is not the course's own (its source differs from the
  released cell with its id) has any markup outside the allow-list escaped, so the assessor
  sees what was written, as text; no event handler, ``style`` or ``javascript:`` link survives;
- every cell's HTML and markdown outputs are cleaned the same way, and outputs of any other
  kind that a browser would run (JavaScript, widget views) are dropped.

The marking app shows answers as text (``textContent``), never as HTML.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Unicode

# Enough for prose, lists, tables and the course's own result markup; nothing that runs.
TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
        "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p",
        "pre", "section", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"]
ATTRIBUTES = {"*": ["class", "aria-label", "lang", "role"], "a": ["href", "title"],
              "abbr": ["title"], "img": ["src", "alt", "width", "height"], "td": ["colspan", "rowspan"],
              "th": ["colspan", "rowspan", "scope"]}
# Charts (the Level 7 analyses) are PNGs inside the page: an image of that kind runs nothing.
SAFE_IMAGES = ("data:image/png;base64,", "data:image/jpeg;base64,")


def _allowed(tag: str, name: str, value: str) -> bool:
    if name not in ATTRIBUTES.get(tag, []) + ATTRIBUTES["*"]:
        return False
    if (tag, name) == ("img", "src"):
        return value.startswith(SAFE_IMAGES)  # never a remote address (a tracking pixel) or SVG
    if name == "href":
        return not value.strip().lower().startswith("data:")
    return True


class MakeInert(SanitizeHTML):
    release_directory = Unicode(
        "", help="Absolute path of the nbgrader course's release folder: cells as released are "
                 "the course's own and are left as they are.").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self.tags, self.attributes, self.strip = TAGS, _allowed, False
        self.styles = []
        self.enabled = True  # nbconvert's preprocessors are off unless enabled; nbgrader's lists expect on

    def sanitize_html_tags(self, html_str):
        from bleach import clean
        from bleach.sanitizer import ALLOWED_PROTOCOLS

        # "data" is let through bleach's protocol check; _allowed keeps it to PNG/JPEG images.
        return clean(html_str, tags=self.tags, attributes=_allowed, strip=False, strip_comments=True,
                     protocols=[*ALLOWED_PROTOCOLS, "data"])

    def preprocess(self, nb, resources):
        self._ours = self._released(resources)
        return super().preprocess(nb, resources)

    def _released(self, resources) -> set[tuple[str, str]]:
        info = resources.get("nbgrader", {})
        if not self.release_directory or "assignment" not in info:
            return set()
        path = Path(self.release_directory) / info["assignment"] / f"{info['notebook']}.ipynb"
        if not path.is_file():
            return set()
        return {(c.get("id", ""), c.source) for c in nbformat.read(path, as_version=4).cells
                if c.cell_type in ("markdown", "raw")}

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type in ("markdown", "raw") and (cell.get("id", ""), cell.source) in self._ours:
            return cell, resources
        if cell.cell_type == "raw":
            # A raw cell reaches HTML only if it says it is HTML; clean every one regardless.
            cell.source = self.sanitize_html_tags(cell.source)
            return cell, resources
        return super().preprocess_cell(cell, resources, index)
