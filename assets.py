"""Static files and plotly.js, served by the app itself (no CDN: deployments may have no
internet), and the one rule for Cache-Control.

- Static files get content-hashed names: `url_for('static', filename='css/app.css')` gives
  `/static/css/app.<16 hex of its sha256>.css`, which is cached for a year (immutable). The
  sha256 is computed once per file version (keyed by path, size and mtime: a stat per
  `url_for`, so an edited file gets a new name even in the development server). No build step,
  no manifest: Flask-Static-Digest would need `flask digest compile` before every run.
- A name whose hash is not the file's current one (a page rendered before a deploy, or by a
  worker still on the old code) is redirected, uncached, to the current name: the page keeps
  its styles and the stale name is never stored for a year. The plain name still works and is
  revalidated on each use (`no-cache`).
- plotly.js is a partial bundle (core, scatter, scatterpolar, bar) built from the npm package
  of the plotly.js version inside the Python plotly package: vendor/plotly/ holds its sources
  and build.sh. Its name carries its content hash; it is compressed once per process (brotli
  and gzip) and passes Flask-Compress untouched because it already has a Content-Encoding.
"""

import gzip
import hashlib
import os
import re
import stat
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Blueprint, Response, abort, current_app, g, redirect, request, send_from_directory, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

bp = Blueprint("assets", __name__)

PLOTLY_JS = Path(__file__).resolve().parent / "vendor" / "plotly" / "dist" / "plotly-partial.min.js"

YEAR = 365 * 24 * 3600
#: Content-addressed: the URL changes whenever the bytes do.
IMMUTABLE = f"public, max-age={YEAR}, immutable"
#: A static file under its plain name: may be stored, but is checked (ETag) on every use.
REVALIDATE = "no-cache"
#: Everything the app renders: personal pages, results, exports, JSON, and the anonymous
#: questionnaire (CSRF token, draft answers); errors and redirects too.
NO_STORE = "no-store"

#: The views that serve files (no session, no personal data).
FILE_ENDPOINTS = ("static", "assets.vendor")
DIGEST_LENGTH = 16
HASHED_NAME = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGEST_LENGTH}}})(?P<ext>\.[^./]+)?$")


def cache_control(response: Response) -> str:
    """The one rule, applied to every response (app.register_headers): a year for
    content-addressed files, revalidation for other static files, never stored otherwise."""
    if response.status_code in (200, 304) and g.get("content_addressed"):
        return IMMUTABLE
    if response.status_code in (200, 304) and request.endpoint in FILE_ENDPOINTS:
        return REVALIDATE
    return NO_STORE


# -- static files under hashed names ------------------------------------------------------------


@lru_cache(maxsize=512)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:DIGEST_LENGTH]


def file_digest(folder: str, filename: str) -> str | None:
    """The first 16 hex digits of the file's sha256, or None when it is no file in folder."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        info = os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return _sha256(path, info.st_size, info.st_mtime_ns)


def with_digest(filename: str, digest: str) -> str:
    """css/app.css -> css/app.<digest>.css; a name without extension gets the digest at its end."""
    folder, slash, name = filename.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    hashed = f"{stem}.{digest}.{ext}" if dot and stem else f"{name}.{digest}"
    return f"{folder}{slash}{hashed}"


def add_digest(endpoint: str, values: dict) -> None:
    """url_defaults hook: every url_for('static', filename=...) gives the hashed name."""
    if endpoint != "static" or "filename" not in values:
        return
    digest = file_digest(current_app.static_folder, values["filename"])
    if digest is not None:
        values["filename"] = with_digest(values["filename"], digest)


def static_file(filename: str):
    """Replaces Flask's static view: the plain name, or a hashed one (current, or redirected)."""
    folder = current_app.static_folder
    if file_digest(folder, filename) is None:
        match = HASHED_NAME.match(filename)
        if match is None:
            abort(404)
        original = match["stem"] + (match["ext"] or "")
        current = file_digest(folder, original)
        if current is None:
            abort(404)
        if current != match["digest"]:
            return redirect(url_for("static", filename=original), 302)
        g.content_addressed = True
        filename = original
    return send_from_directory(folder, filename)


class NoSessionOnFiles(SecureCookieSessionInterface):
    """Static files and plotly.js neither set the session cookie nor vary on it. Flask-Login
    reads the session after every request, so Flask would add `Vary: Cookie` (a browser then
    re-fetches a file whenever the cookie changed) and, for a respondent's permanent session,
    a `Set-Cookie` on a public response that a shared cache could hand to someone else."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint in FILE_ENDPOINTS:
            return
        super().save_session(app, session, response)


@bp.record_once
def serve_files(state) -> None:
    app = state.app
    app.url_defaults(add_digest)
    app.view_functions["static"] = static_file
    if type(app.session_interface) is not SecureCookieSessionInterface:
        raise RuntimeError("assets.NoSessionOnFiles replaces Flask's cookie session: adapt it to the new one")
    app.session_interface = NoSessionOnFiles()


# -- plotly.js ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def plotly_bundle() -> dict[str | None, bytes]:
    """The bundle's bytes per Content-Encoding (None: plain), compressed once per process.
    Brotli quality 9: within 10 % of quality 11 at a fifteenth of the time (0.3 s vs 4 s)."""
    plain = PLOTLY_JS.read_bytes()
    return {
        None: plain,
        "br": brotli.compress(plain, quality=9),
        "gzip": gzip.compress(plain, compresslevel=9, mtime=0),
    }


@lru_cache(maxsize=1)
def plotly_version() -> str:
    """plotly.js's version, from the bundle's first line (build.sh writes it there)."""
    with PLOTLY_JS.open(encoding="utf-8") as bundle:
        match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", bundle.readline())
    if match is None:
        raise RuntimeError(f"{PLOTLY_JS} does not start with plotly.js's version: rebuild it (vendor/plotly/build.sh)")
    return match[1]


@lru_cache(maxsize=1)
def plotly_digest() -> str:
    return hashlib.sha256(plotly_bundle()[None]).hexdigest()[:DIGEST_LENGTH]


def plotly_filename() -> str:
    return f"plotly-{plotly_version()}-partial.{plotly_digest()}.min.js"


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name != plotly_filename():
        abort(404)
    encoding = request.accept_encodings.best_match(["br", "gzip"])
    response = Response(plotly_bundle()[encoding], mimetype="text/javascript")
    if encoding:
        response.content_encoding = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(plotly_digest() + (f"-{encoding}" if encoding else ""))
    g.content_addressed = True
    return response.make_conditional(request)
