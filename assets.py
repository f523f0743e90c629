"""plotly.js, served from the installed plotly package by the app itself (no CDN:
deployments may have no internet). The 4.8 MB bundle is gzipped once per process
(about 1.5 MB on the wire) and cached by browsers for a year under a versioned URL."""

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

import plotly
from flask import Blueprint, Response, abort, request

bp = Blueprint("assets", __name__)

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@lru_cache(maxsize=1)
def plotly_bundle() -> tuple[bytes, bytes, str]:
    """(plain, gzipped, etag) of plotly.min.js."""
    plain = PLOTLY_JS.read_bytes()
    return plain, gzip.compress(plain, compresslevel=6), hashlib.sha256(plain).hexdigest()[:16]


def plotly_filename() -> str:
    return f"plotly-{plotly.__version__}.min.js"


@bp.get("/vendor/<name>")
def vendor(name: str):
    if name != plotly_filename():
        abort(404)
    plain, zipped, etag = plotly_bundle()
    use_gzip = "gzip" in request.accept_encodings
    response = Response(zipped if use_gzip else plain, mimetype="text/javascript")
    if use_gzip:
        response.content_encoding = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(etag + ("-gz" if use_gzip else ""))
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    response.cache_control.immutable = True
    return response.make_conditional(request)
