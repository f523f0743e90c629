"""plotly.js and the other assets come from the app itself, never from a CDN; plotly.js is the
partial bundle of vendor/plotly/; HTML, CSS, JS, JSON and SVG go out compressed."""

import gzip
import hashlib
import json
import random
import re
import zlib
from datetime import timedelta
from pathlib import Path

import brotli
import plotly
import pytest
from flask import Response, stream_with_context

import clock
from assets import PLOTLY_JS, plotly_filename
from config import BASE_DIR

from .conftest import login

VENDOR = BASE_DIR / "vendor" / "plotly"
PYTHON_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"  # the full bundle


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    return {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](response.data)


# --- the partial plotly bundle ----------------------------------------------------------------


def test_the_bundle_is_the_plotly_js_of_the_python_package():
    """Same plotly.js version as the full bundle inside plotly (requirements.txt), pinned exactly."""
    full_version = re.search(r"plotly\.js v(\S+)", PYTHON_PLOTLY_JS.read_text(encoding="utf-8")[:200])[1]
    lock = json.loads((VENDOR / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == full_version
    manifest = json.loads((VENDOR / "package.json").read_text())
    assert manifest["dependencies"]["plotly.js"] == full_version
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["dependencies"]["esbuild"])  # exact, no ^ or ~
    assert lock["packages"]["node_modules/esbuild"]["version"] == manifest["dependencies"]["esbuild"]
    assert PLOTLY_JS.read_text(encoding="utf-8").startswith(f"/*! plotly.js v{full_version}, partial bundle")
    assert (
        plotly_filename()
        == f"plotly-{full_version}-partial.{hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:16]}.min.js"
    )


def test_the_bundle_ships_with_its_licence_and_sources():
    assert (VENDOR / "LICENSE").read_text().startswith("MIT License")
    entry = (VENDOR / "entry.js").read_text()
    assert re.findall(r'require\("plotly\.js/lib/(\w+)"\)', entry) == ["core", "scatterpolar", "bar"]
    assert "npm ci" in (VENDOR / "build.sh").read_text()
    assert (VENDOR / ".gitignore").read_text().split() == ["node_modules/"]
    assert PLOTLY_JS.stat().st_size < PYTHON_PLOTLY_JS.stat().st_size / 3


def test_plotly_is_served_compressed_once_and_cached(client):
    url = f"/vendor/{plotly_filename()}"
    plain = PLOTLY_JS.read_bytes()
    for accept, encoding in (("gzip", "gzip"), ("gzip, deflate, br, zstd", "br"), ("identity", None), ("", None)):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding, accept
        assert response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert decoded(response) == plain
        if encoding:
            assert len(response.data) < len(plain) / 2.5
        again = client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_the_sign_in_page_prefetches_the_served_bundle(app, client):
    """Leaders sign in to see charts: the sign-in page fetches the dashboard's plotly.js ahead."""
    html = client.get("/inloggen").text
    href = re.search(r'<link rel="prefetch" href="([^"]+)" as="script">', html)[1]
    digest = hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:16]
    assert href.startswith("/vendor/plotly-") and href.endswith(f"-partial.{digest}.min.js")
    assert client.get(href, headers={"Accept-Encoding": "br"}).status_code == 200


def test_unknown_vendor_file_is_404(client):
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404
    assert client.get(f"/vendor/{plotly.__version__}.min.js").status_code == 404
    assert client.get("/vendor/plotly-4.1.1-partial.0123456789abcdef.min.js").status_code == 404


def test_no_template_or_static_file_loads_anything_from_elsewhere():
    external = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""")
    for path in list((BASE_DIR / "templates").rglob("*.html")) + list((BASE_DIR / "static").rglob("*.*")):
        assert not external.search(path.read_text(encoding="utf-8")), path


# --- compression ------------------------------------------------------------------------------


@pytest.fixture
def leader(app, make_round, make_user, add_responses):
    today = clock.today()
    closed = make_round("T1", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1))
    add_responses(closed, 5)
    client = app.test_client()
    login(client, make_user("leider@p.example", closed.partnership))
    client.closed = closed
    return client


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_html_css_js_json_and_svg_go_out_compressed(leader, encoding):
    slug, round_id = leader.closed.partnership.slug, leader.closed.id
    api = f"/api/partnerships/{slug}/rounds/{round_id}"
    plain_json = leader.get(api, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain_json.headers
    packed = leader.get(api, headers={"Accept-Encoding": encoding})
    assert packed.headers["Content-Encoding"] == encoding and "Accept-Encoding" in packed.headers["Vary"]
    assert decoded(packed) == plain_json.data and len(packed.data) < len(plain_json.data)
    assert json.loads(decoded(packed))  # still the JSON it was

    page = leader.get(f"/dashboard/{slug}/", headers={"Accept-Encoding": encoding})
    assert page.headers["Content-Encoding"] == encoding
    html = decoded(page).decode()
    assert html.startswith("<!doctype html>") and leader.closed.partnership.name in html
    assert len(page.data) < len(html.encode()) / 4

    for filename in ("css/app.css", "js/charts.js"):
        response = leader.get(f"/static/{filename}", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding, filename
        assert decoded(response) == (BASE_DIR / "static" / filename).read_bytes()


def test_svg_is_compressed_when_it_is_not_tiny(app, client):
    """The favicon (about 200 bytes) is too small to gain; a larger SVG is compressed."""
    big = "<svg xmlns='http://www.w3.org/2000/svg'>" + "<circle r='1'/>" * 200 + "</svg>"
    app.add_url_rule("/_big.svg", "big_svg", lambda: Response(big, mimetype="image/svg+xml"))
    favicon = client.get("/static/favicon.svg", headers={"Accept-Encoding": "br"})
    assert favicon.status_code == 200 and "Content-Encoding" not in favicon.headers
    assert favicon.data == (BASE_DIR / "static" / "favicon.svg").read_bytes()
    response = client.get("/_big.svg", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and gzip.decompress(response.data) == big.encode()


def test_downloads_and_tiny_bodies_are_not_compressed(leader):
    slug = leader.closed.partnership.slug
    for fmt in ("csv", "xlsx"):
        response = leader.get(f"/dashboard/{slug}/export/scores.{fmt}", headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200 and "Content-Encoding" not in response.headers, fmt
    small = leader.get("/api/partnerships/bestaat-niet/rounds/1", headers={"Accept-Encoding": "br, gzip"})
    assert small.status_code == 404 and small.is_json and len(small.data) < 500
    assert "Content-Encoding" not in small.headers


def test_a_streamed_response_is_compressed_as_it_streams_not_gathered_first(app, client):
    """An export that streams (rows as they are read) must not be buffered whole by the
    compression: the first compressed bytes leave before the generator has finished."""
    rows = random.Random(11).choices("abcdefghij0123456789,;\n", k=400 * 1000)
    chunks = ["".join(rows[i : i + 1000]) for i in range(0, len(rows), 1000)]
    produced = []

    def generate():
        for chunk in chunks:
            produced.append(chunk)
            yield chunk

    app.add_url_rule(
        "/_stream", "stream", lambda: Response(stream_with_context(generate()), mimetype="application/json")
    )
    response = client.get("/_stream", headers={"Accept-Encoding": "gzip"}, buffered=False)
    assert response.headers["Content-Encoding"] == "gzip" and "Content-Length" not in response.headers
    body = iter(response.response)
    first = next(piece for piece in body if piece)
    assert len(produced) < len(chunks) / 2  # still streaming when the first bytes are out
    rest = b"".join(body)
    response.close()
    assert zlib.decompress(first + rest, wbits=zlib.MAX_WBITS + 16) == "".join(chunks).encode()
