"""Fewer, cached requests for a unit page: the handlers for content-addressed front-end files.

- ``/voila/odp-widgets/<sha256>.(js|css)``: a course widget's front end, imported by the small
  loader each widget sends (course/serve/widget_frontend.py) instead of its whole source.
- ``/voila/odp-bundle/<sha256>.js``: the page bundle, Voila's style script and the webpack
  chunks of Voila's front end and of the lab extensions a page loads (``templates/odp/bundle.txt``)
  in one file. Stock Voila's page asked for ~90 files one by one, each answered ``no-cache``.

Both are named by their content, so they are sent gzipped with ``Cache-Control: public,
max-age=31536000, immutable``: a new version is a new URL. Any other digest is 404.
The bundle carries the course's fixes to those files (course/serve/frontend_fixes.py).
``BundleResources`` (the odp template's preprocessor, ``conf.json``) gives the page the
bundle's digest.
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyter_server.utils import url_path_join
from nbconvert.preprocessors import Preprocessor
from tornado import web

from course.serve import frontend_fixes
from course.serve.widget_frontend import KNOWN, URL_PATH, asset, digest

LOG = logging.getLogger(__name__)
TEMPLATE = Path(__file__).resolve().parent.parent / "share/jupyter/voila/templates/odp"
BUNDLE_PATH = "odp-bundle"
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    data: bytes
    gzipped: bytes
    kind: str   # "js" or "css"


def _asset(data: bytes, kind: str) -> Asset:
    return Asset(data, gzip.compress(data, compresslevel=6, mtime=0), kind)


def _find(entry: str) -> Path | None:
    """A bundle.txt line: ``static/<file>`` in Voila's base template, ``labextensions/<path>``
    in a lab extensions folder (Jupyter's, then Voila's own)."""
    if entry.startswith("static/"):
        roots = [Path(p) / "templates" / "base" for p in jupyter_path("voila")]
    else:
        roots = [Path(p) for p in jupyter_path()] + [Path(p) for p in jupyter_path("voila")]
    for root in roots:
        if (root / entry).is_file():
            return root / entry
    return None


@cache
def page_bundle(listing: Path = TEMPLATE / "bundle.txt") -> tuple[str, Asset]:
    """(digest, asset) of the page bundle, built once per process."""
    parts, missing = [], []
    for line in listing.read_text(encoding="utf-8").splitlines():
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        found = _find(entry)
        if found is None:
            missing.append(entry)
            continue
        data, problems = frontend_fixes.fixed(entry, found.read_bytes())
        for problem in problems:
            LOG.warning("ODP page bundle: a front-end fix did not apply: %s", problem)
        # Each file is a complete script; the newline and ';' keep one from running into the next.
        parts.append(data.rstrip() + b"\n;\n")
    if missing:
        LOG.warning("ODP page bundle: %d listed files not found (loaded on demand): %s",
                    len(missing), ", ".join(missing[:5]))
    data = b"".join(parts)
    return digest(data), _asset(data, "js")


@cache
def widget_assets() -> dict[str, Asset]:
    """Every course widget's front-end file, by ``<digest>.<js|css>``."""
    found = {}
    for path in KNOWN:
        name, data = asset(path)
        kind = path.suffix.lstrip(".")
        found[f"{name}.{kind}"] = _asset(data, kind)
    return found


class ImmutableHandler(web.RequestHandler):
    """One content-addressed file, gzipped if the browser takes it. No sign-in: these are the
    course's own public front-end files, the same for everyone (no learner's data)."""

    def initialize(self, assets) -> None:
        self.assets = assets

    def get(self, name: str) -> None:
        found = self.assets().get(name)
        if found is None:
            raise web.HTTPError(404)
        self.set_header("Content-Type", TYPES[found.kind])
        self.set_header("Cache-Control", IMMUTABLE)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Vary", "Accept-Encoding")
        if "gzip" in self.request.headers.get("Accept-Encoding", ""):
            self.set_header("Content-Encoding", "gzip")
            self.finish(found.gzipped)
        else:
            self.finish(found.data)

    def compute_etag(self) -> None:  # the name is the version
        return None


def _bundle_assets() -> dict[str, Asset]:
    name, found = page_bundle()
    return {f"{name}.js": found}


def handlers(base_url: str) -> list[tuple]:
    """The tornado rules for both kinds of file under ``base_url``. Both sets are built here, as
    the server starts, so its first page does not wait for them."""
    page_bundle(), widget_assets()
    return [
        (url_path_join(base_url, f"/voila/{URL_PATH}/([0-9a-f]{{64}}\\.(?:js|css))"),
         ImmutableHandler, {"assets": widget_assets}),
        (url_path_join(base_url, f"/voila/{BUNDLE_PATH}/([0-9a-f]{{64}}\\.js)"),
         ImmutableHandler, {"assets": _bundle_assets}),
    ]


class BundleResources(Preprocessor):
    """Gives the odp template the page bundle's digest: ``resources["odp_bundle"]``."""

    def preprocess(self, nb, resources):
        resources["odp_bundle"] = page_bundle()[0]
        return nb, resources
