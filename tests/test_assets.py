"""plotly.js and the other assets come from the app itself, never from a CDN."""

import gzip
import re

from assets import PLOTLY_JS, plotly_filename
from config import BASE_DIR


def test_plotly_is_served_gzipped_and_cached(client):
    url = f"/vendor/{plotly_filename()}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "text/javascript"
    assert "immutable" in response.headers["Cache-Control"]
    assert gzip.decompress(response.data) == PLOTLY_JS.read_bytes()
    assert len(response.data) < PLOTLY_JS.stat().st_size / 2
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.data == PLOTLY_JS.read_bytes()


def test_unknown_vendor_file_is_404(client):
    assert client.get("/vendor/plotly-0.0.0.min.js").status_code == 404


def test_no_template_or_static_file_loads_anything_from_elsewhere():
    external = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""")
    for path in list((BASE_DIR / "templates").rglob("*.html")) + list((BASE_DIR / "static").rglob("*.*")):
        assert not external.search(path.read_text(encoding="utf-8")), path
