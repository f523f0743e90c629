"""Bytes on the wire, for the README's speed section (issue 11), run from the app's folder:

    .venv/bin/python vendor/plotly/measure.py            # this checkout
    cd <a checkout of an older commit> && /path/to/.venv/bin/python /path/to/measure.py

1. plotly.js sizes: the full bundle of the Python plotly package and the partial one of
   vendor/plotly/dist (when this checkout has it), plain, gzip (level 6 and 9) and brotli
   (quality 9, as served, and 11).
2. A signed-in leader's demo dashboard in Chromium (/usr/bin/chromium): bytes transferred
   (CDP encodedDataLength: headers and body as they came over the wire) for the first load
   after signing in, two repeat navigations and a reload. Served by werkzeug on 127.0.0.1 from
   a fresh SQLite file with `flask demo`'s data; nothing leaves the machine."""

import gzip
import os
import sys
import tempfile
import threading
from pathlib import Path

import brotli
import plotly

sys.path.insert(0, os.getcwd())


def sizes() -> None:
    bundles = {"full": Path(plotly.__file__).parent / "package_data" / "plotly.min.js"}
    partial = Path.cwd() / "vendor" / "plotly" / "dist" / "plotly-partial.min.js"
    if partial.exists():
        bundles["partial"] = partial
    print(f"{'plotly.js':<10}{'plain':>12}{'gzip 6':>12}{'gzip 9':>12}{'br 9':>12}{'br 11':>12}")
    for name, path in bundles.items():
        data = path.read_bytes()
        row = [len(data), len(gzip.compress(data, 6)), len(gzip.compress(data, 9))]
        row += [len(brotli.compress(data, quality=9)), len(brotli.compress(data, quality=11))]
        print(f"{name:<10}" + "".join(f"{n:>12,}" for n in row))


def dashboard_bytes() -> None:
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app
    from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader

    folder = tempfile.mkdtemp()
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/m.db", "SECRET_KEY": "measure", "MIN_GROUP_SIZE": 5}
    )
    with app.app_context():
        upgrade()
        create_demo()
        password = reset_demo_leader()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_context().new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls, log = {}, []
        cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
        cdp.on("Network.loadingFinished", lambda e: log.append((urls.get(e["requestId"], "?"), e["encodedDataLength"])))
        page.goto(f"{base}/inloggen")
        page.fill("#email", DEMO_LEADER_EMAIL)
        page.fill("#password", password)

        def measure(label, action) -> None:
            log.clear()
            action()
            page.wait_for_selector("#trend-daring .main-svg")
            page.wait_for_timeout(500)
            dashboard = [(url, n) for url, n in log if "/inloggen" not in url]
            print(f"{label:<22}{sum(n for _, n in dashboard):>12,} B")
            for url, n in sorted(dashboard, key=lambda row: -row[1]):
                print(f"{'':<6}{n:>12,}  {url.replace(base, '')}")

        measure("first load", lambda: page.get_by_role("button", name="Inloggen", exact=True).click())
        measure("repeat navigation", lambda: page.goto(f"{base}/dashboard/demo/"))
        measure("repeat navigation 2", lambda: page.goto(f"{base}/dashboard/demo/"))
        measure("reload", page.reload)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    import logging

    logging.disable(logging.WARNING)
    sizes()
    dashboard_bytes()
