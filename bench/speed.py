"""Every row of issue 11 in one interleaved run: medians and ratios, optionally before / after.

    .venv/bin/python bench/speed.py --quick                      # small sizes, few repeats (~10 min busy)
    .venv/bin/python bench/speed.py --quick --before main~3      # the same against REV, side by side
    .venv/bin/python bench/speed.py --before <commit>            # the full run (1k/10k/100k; an hour or more)
    .venv/bin/python bench/speed.py --rows scale,cpu --databases sqlite

Rows (--rows, all by default):
  scale      dashboard page and JSON API of ONE partnership whose own latest round holds
             1k / 10k / 100k responses (--quick: 300 / 3,000), each size its own database,
             on SQLite and PostgreSQL (a schema each), served by gunicorn -w 2, signed in as
             that partnership's leader; the ratio largest/smallest. Beside it the neighbours
             question of bench/dashboard_scale.py: the demo partnership's dashboard while the
             other partnership holds the smallest or the largest round.
  bytes      what Chromium transfers (CDP Network.loadingFinished encodedDataLength, HTML and
             every asset the page loads, through the browser's own cache): the dashboard
             signed in and the questionnaire intro signed out, first load and repeat load
             (a new tab in the same browser profile); and which responses came compressed.
  throttle   Chromium with CDP throttling (Slow 4G: 562 ms RTT, 1.6 Mbit/s down, 0.75 up;
             CPU x4), cold cache: seconds from the last submit until the thank-you radar has
             drawn (a .main-svg exists), and from navigation until every dashboard chart drew.
  cpu        server CPU (gunicorn's master and workers, /proc/<pid>/task/*/schedstat) per complete
             questionnaire (intro, every step's GET and POST, the thank-you page) and per
             request, against bench/anchor.py (bare Flask + SQLAlchemy + Flask-WTF, 3 requests)
             under the same gunicorn; SQLite.
  programme  the programme view with 300 partnerships x 4 rounds x 100 responses (--quick:
             30 x 4 x 20), signed in as an administrator.

Data: bench/fixture.py bulk-inserts the rows and lets the tree's own `flask release` command
make the releases (a round grows 50, 100, 200, ... with a release after each step). With
--before REV a git worktree of REV is made in a temp dir; REV's migrations build its own
databases, filled by the same fixture code run with PYTHONPATH at REV's tree, and its own
gunicorn serves them. Requests go to both servers in turn (interleaved), so the machine's
load hits both alike; read the ratios more than the times. A row REV cannot serve is "n/a".
URLs of assets are never hard-coded: the browser loads what the rendered pages name.
"""

from __future__ import annotations

import argparse
import atexit
import html.parser
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import brotli
import psycopg

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SLOW_4G = {"offline": False, "latency": 562, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
CPU_SLOWDOWN = 4
# Headless flags that keep Chromium off this machine's closed network (as tests/browser).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACCEPT_ENCODING = "gzip, deflate, br"
PROFILES = {
    "full": {
        "sizes": [1_000, 10_000, 100_000],
        "repeat": 15,
        "throttled": 5,
        "questionnaires": 30,
        "programme": {"partnerships": 300, "rounds": 4, "responses": 100},
    },
    "quick": {
        "sizes": [300, 3_000],
        "repeat": 5,
        "throttled": 2,
        "questionnaires": 8,
        "programme": {"partnerships": 30, "rounds": 4, "responses": 20},
    },
    # For tests/test_bench.py: proves the machinery runs, measures nothing worth reading.
    "smoke": {
        "sizes": [20, 60],
        "repeat": 2,
        "throttled": 1,
        "questionnaires": 2,
        "programme": {"partnerships": 3, "rounds": 2, "responses": 10},
    },
}
WORKERS = 2  # gunicorn -w 2
ROWS = ("scale", "bytes", "throttle", "cpu", "programme")


#: What the run must undo, last first: servers, the browser, databases, the worktree. main()
#: runs it when it ends (also when it fails), atexit when the process ends some other way.
CLEANUPS: list = []


def clean_up() -> None:
    while CLEANUPS:
        try:
            CLEANUPS.pop()()
        except Exception as error:  # noqa: BLE001 (the rest is still cleaned up)
            log(f"clean-up failed: {error!r}")


atexit.register(clean_up)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- trees, databases, servers -----------------------------------------------------------------


@dataclass
class Tree:
    name: str  # "before" or "after"
    path: Path


def worktree_of(rev: str) -> Tree:
    """A detached git worktree of REV in a temp dir, removed when the run ends."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    path = Path(tempfile.mkdtemp(prefix="bench-before-")) / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), commit], check=True, capture_output=True
    )

    def remove() -> None:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)], capture_output=True)
        shutil.rmtree(path.parent, ignore_errors=True)

    CLEANUPS.append(remove)
    log(f"before = {rev} ({commit[:10]}) in {path}")
    return Tree("before", path)


class Databases:
    """SQLite files in one temp dir, PostgreSQL schemas in the local server; all dropped at exit."""

    def __init__(self) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-speed-"))
        self.schemas: list[str] = []
        CLEANUPS.append(self.drop)

    def url(self, kind: str, name: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{self.workdir / name}.db"
        schema = f"speed_{name}_{secrets.token_hex(3)}".replace("-", "_")
        with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        self.schemas.append(schema)
        return f"{POSTGRES}?options=-csearch_path%3D{schema}"

    def drop(self) -> None:
        if self.schemas:
            with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
                for schema in self.schemas:
                    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            self.schemas.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)


def tree_env(tree: Path, url: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "RATELIMIT_STORAGE_URI": "memory://",
        "DRAFT_LIMIT": "1000000 per hour",
    }


def build(tree: Tree, kind: str, url: str, params: dict) -> dict | None:
    """Run bench/fixture.py (of this tree) with `tree` first on the path; None when REV cannot."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fixture.py"), kind, json.dumps({"url": url, **params})],
        cwd=tree.path,
        env=tree_env(tree.path, url),
        capture_output=True,
        text=True,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("FIXTURE ")), None)
    if result.returncode != 0 or line is None:
        log(f"{tree.name}: {kind} {params} could not be built:\n{result.stderr[-2000:]}")
        return None
    fixture = json.loads(line.removeprefix("FIXTURE "))
    shown = {k: v for k, v in fixture.items() if k != "password"}
    log(f"{tree.name}: {kind} {params} built in {time.perf_counter() - started:.0f} s: {shown}")
    return fixture


@dataclass
class Server:
    url: str
    process: subprocess.Popen

    def pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [self.process.pid] + [int(pid) for pid in out.split()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its workers, every thread, to the
        nanosecond: the first field of /proc/<pid>/task/<tid>/schedstat (stat's utime and
        stime count 10 ms ticks, too coarse for the anchor's few milliseconds)."""
        total = 0
        for pid in self.pids():
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    total += int((task / "schedstat").read_text().split()[0])
                except (FileNotFoundError, ProcessLookupError):
                    continue
        return total / 1e9

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


SERVERS: list[Server] = []


def serve(cwd: Path, app: str, env: dict, workers: int = WORKERS) -> Server:
    port = free_port()
    env = {**env, "PUBLIC_URL": f"http://127.0.0.1:{port}"}
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "300"]
    process = subprocess.Popen(
        [*command, "--graceful-timeout", "5", app],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    SERVERS.append(server)
    for _ in range(300):
        try:
            urllib.request.urlopen(server.url + "/", timeout=5).read()
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn in {cwd} exited with {process.returncode}") from None
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def serve_tree(tree: Tree, url: str) -> Server:
    return serve(tree.path, "app:create_app()", tree_env(tree.path, url))


def stop_all() -> None:
    while SERVERS:
        SERVERS.pop().stop()


# --- an HTTP client like a browser: cookies, forms, no automatic redirects ---------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Forms(html.parser.HTMLParser):
    """The forms of a page: their inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id"), "action": attrs.get("action"), "inputs": [], "buttons": []})
        elif self.forms and tag == "input":
            self.forms[-1]["inputs"].append((attrs.get("type", "text"), attrs.get("name"), attrs.get("value", "")))
        elif self.forms and tag == "button" and attrs.get("name"):
            self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value", "")))


def forms_of(page: str) -> list[dict]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


class Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.encoding = ""  # Content-Encoding of the last response

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, bytes]:
        """(status, Location, body) of one request; a redirect is not followed."""
        url = path if path.startswith("http") else self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, body, headers={"Accept-Encoding": ACCEPT_ENCODING})
        try:
            with self.opener.open(request, timeout=600) as response:
                self.encoding = response.headers.get("Content-Encoding", "")
                return response.status, "", response.read()
        except urllib.error.HTTPError as error:
            self.encoding = error.headers.get("Content-Encoding", "")
            return error.code, error.headers.get("Location", ""), error.read()

    def decoded(self, body: bytes) -> str:
        """The body of the last request as text, uncompressed as a browser would."""
        if self.encoding == "br":
            body = brotli.decompress(body)
        elif self.encoding in ("gzip", "deflate"):
            body = zlib.decompress(body, 47)  # 47: gzip or zlib header, detected
        return body.decode()

    def text(self, path: str) -> str:
        """A page as text (asks for no compression, so it can be parsed)."""
        url = path if path.startswith("http") else self.base + path
        with self.opener.open(urllib.request.Request(url), timeout=600) as response:
            return response.read().decode()

    def sign_in(self, email: str, password: str) -> None:
        form = next(f for f in forms_of(self.text("/inloggen")) if any(n == "password" for _, n, _ in f["inputs"]))
        data = {n: v for kind, n, v in form["inputs"] if kind == "hidden" and n}
        status, location, _ = self.request("/inloggen", {**data, "email": email, "password": password})
        if status != 302 or "inloggen" in location:
            raise RuntimeError(f"sign-in as {email} failed: HTTP {status} {location}")

    def timed(self, path: str) -> float | None:
        started = time.perf_counter()
        status, _, _ = self.request(path)
        elapsed = time.perf_counter() - started
        return elapsed if status == 200 else None

    def questionnaire(self, intro: str, rng: random.Random) -> int:
        """One respondent from the intro to the thank-you page, every page fetched before it is
        posted; returns the number of requests."""
        status, _, page = self.request(intro)
        page = self.decoded(page).encode()
        requests = 1
        start = re.search(r'href="([^"]*' + re.escape(intro) + r'/\d+)"', page.decode())
        if status != 200 or not start:
            raise RuntimeError(f"intro {intro}: HTTP {status}, no link to the first step")
        step = start.group(1)
        for _ in range(50):
            page = self.text(step)
            requests += 1
            form = next(f for f in forms_of(page) if any(kind == "radio" for kind, _, _ in f["inputs"]))
            data = {n: v for kind, n, v in form["inputs"] if kind == "hidden" and n}
            radios: dict[str, list[str]] = {}
            for kind, name, value in form["inputs"]:
                if kind == "radio":
                    radios.setdefault(name, []).append(value)
            data.update({name: rng.choice(values) for name, values in radios.items()})
            data["action"] = "next"
            status, location, _ = self.request(form["action"] or step, data)
            requests += 1
            if status != 302:
                raise RuntimeError(f"{step}: HTTP {status} instead of a redirect")
            if "bedankt" in location:
                status, _, _ = self.request(location)
                if status != 200:
                    raise RuntimeError(f"thank-you page: HTTP {status}")
                return requests + 1
            step = location
        raise RuntimeError("the questionnaire did not end")


def warm(client: Client, paths: list[str]) -> None:
    """Every worker's first request pays for imports, templates and caches: send each page
    to all workers at once (a sync worker busy with one request leaves the next to another), twice."""
    for _ in range(2):
        for path in paths:
            threads = [threading.Thread(target=client.request, args=(path,)) for _ in range(WORKERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()


# --- results -----------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    unit: str
    values: dict = field(default_factory=dict)  # tree name -> number or None
    note: str = ""


RESULTS: list[Row] = []


def add(label: str, unit: str, values: dict, note: str = "") -> Row:
    row = Row(label, unit, values, note)
    RESULTS.append(row)
    shown = "  ".join(f"{k}={fmt(v, unit)}" for k, v in values.items())
    log(f"{label}: {shown}")
    return row


def median_ms(samples: list) -> float | None:
    if not samples or any(s is None for s in samples):
        return None
    return statistics.median(samples) * 1000


def ratio(a, b) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def fmt(value, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "B":
        return f"{value:,.0f}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit in ("", "n"):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def report(trees: list[Tree], out=None) -> None:
    out = out or sys.stdout
    names = [t.name for t in trees]
    width = max([len(row.label) for row in RESULTS] + [3])
    head = f"{'row':<{width}} {'unit':>4} " + " ".join(f"{n:>12}" for n in names)
    if len(names) == 2:
        head += f" {'after/before':>13}"
    print("\n" + head, file=out)
    print("-" * len(head), file=out)
    for row in RESULTS:
        values = " ".join(f"{fmt(row.values.get(n), row.unit):>12}" for n in names)
        line = f"{row.label:<{width}} {row.unit:>4} {values}"
        if len(names) == 2:
            change = ratio(row.values.get("after"), row.values.get("before"))
            line += f" {fmt(change, 'x'):>13}"
        if row.note:
            line += f"  {row.note}"
        print(line, file=out)
    out.flush()


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


# --- rows --------------------------------------------------------------------------------------


@dataclass
class Site:
    """One tree's database with its server and a signed-in leader."""

    tree: Tree
    fixture: dict
    server: Server
    client: Client


def own_sites(trees, databases, kind, sizes) -> dict:
    sites = {}
    for size in sizes:
        for tree in trees:
            url = databases.url(kind, f"{tree.name}_own_{size}")
            fixture = build(tree, "own", url, {"responses": size})
            if fixture is None:
                continue
            server = serve_tree(tree, url)
            client = Client(server.url)
            client.sign_in(fixture["email"], fixture["password"])
            sites[(tree.name, size)] = Site(tree, fixture, server, client)
    return sites


def sent_bytes(site: Site | None, page: str) -> int | None:
    """Bytes of a page's body as the server sends it to a client that accepts gzip and brotli."""
    return None if site is None else len(site.client.request(site.fixture[page])[2])


def scale_rows(trees, sites, kind, sizes, repeat) -> None:
    pages = ("dashboard", "api")
    samples = {(t.name, s, p): [] for t in trees for s in sizes for p in (*pages, "neighbours")}
    for site in sites.values():
        warm(site.client, [site.fixture[page] for page in (*pages, "neighbours_dashboard")])
    for _ in range(repeat):
        for size in sizes:
            for tree in trees:
                site = sites.get((tree.name, size))
                if site is None:
                    continue
                for page in pages:
                    samples[(tree.name, size, page)].append(site.client.timed(site.fixture[page]))
                if size in (sizes[0], sizes[-1]):
                    samples[(tree.name, size, "neighbours")].append(
                        site.client.timed(site.fixture["neighbours_dashboard"])
                    )
    for page, title in (("dashboard", "dashboard"), ("api", "JSON API")):
        medians = {}
        for size in sizes:
            values = {t.name: median_ms(samples[(t.name, size, page)]) for t in trees}
            medians[size] = values
            add(f"own round {size_label(size):>4}: {title}, {kind}", "ms", values)
        add(
            f"own round {size_label(sizes[-1])}/{size_label(sizes[0])}: {title}, {kind} (goal <= 2x)",
            "x",
            {t.name: ratio(medians[sizes[-1]][t.name], medians[sizes[0]][t.name]) for t in trees},
        )
    for size in sizes:
        add(
            f"own round {size_label(size):>4}: dashboard HTML as sent (gzip if offered), {kind}",
            "B",
            {t.name: sent_bytes(sites.get((t.name, size)), "dashboard") for t in trees},
        )
    small, large = (
        {t.name: median_ms(samples[(t.name, s, "neighbours")]) for t in trees} for s in (sizes[0], sizes[-1])
    )
    add(f"neighbours: demo dashboard beside {size_label(sizes[0])}, {kind}", "ms", small)
    add(f"neighbours: demo dashboard beside {size_label(sizes[-1])}, {kind}", "ms", large)
    add(
        f"neighbours {size_label(sizes[-1])}/{size_label(sizes[0])}: demo dashboard, {kind}",
        "x",
        {t.name: ratio(large[t.name], small[t.name]) for t in trees},
    )


BROWSER: list = []


def browser():
    """One Chromium for the whole run (Playwright's sync API allows one instance at a time)."""
    if not BROWSER:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        BROWSER.append(playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        CLEANUPS.append(playwright.stop)
        CLEANUPS.append(BROWSER.pop)
        CLEANUPS.append(BROWSER[0].close)
    return BROWSER[0]


def context_for(chromium, site: Site, signed_in: bool):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(180_000)
    context.set_default_navigation_timeout(180_000)
    if signed_in:
        context.add_cookies([{"name": c.name, "value": c.value, "url": site.server.url + "/"} for c in site.client.jar])
    return context


def transferred(context, url: str) -> tuple[int, list[dict]]:
    """Bytes Chromium transferred to load `url` in a new tab of `context`, and per response
    its URL, type, size and Content-Encoding."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    responses: dict[str, dict] = {}
    total = [0]

    def received(event):
        headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
        responses[event["requestId"]] = {
            "url": event["response"]["url"],
            "type": event.get("type", ""),
            "encoding": headers.get("content-encoding", ""),
            "status": event["response"]["status"],
            "bytes": 0,
        }

    def finished(event):
        total[0] += event["encodedDataLength"]
        if event["requestId"] in responses:
            responses[event["requestId"]]["bytes"] = event["encodedDataLength"]

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", finished)
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    page.close()
    return total[0], list(responses.values())


def bytes_rows(trees, sites, size) -> None:
    chromium = browser()
    results: dict = {}
    for tree in trees:
        site = sites.get((tree.name, size))
        if site is None:
            continue
        for what, signed_in, path in (
            ("dashboard, signed in", True, site.fixture["dashboard"]),
            ("questionnaire intro, signed out", False, site.fixture["survey"]),
        ):
            context = context_for(chromium, site, signed_in)
            first, listed = transferred(context, site.server.url + path)
            repeat, _ = transferred(context, site.server.url + path)
            context.close()
            results[(tree.name, what)] = (first, repeat, listed)
    for what in ("dashboard, signed in", "questionnaire intro, signed out"):
        for index, load in ((0, "first load"), (1, "repeat load")):
            goal = " (goal <= 100 KB)" if index == 1 and "dashboard" in what else ""
            add(
                f"bytes: {what}, {load}{goal}",
                "B",
                {t.name: results[(t.name, what)][index] if (t.name, what) in results else None for t in trees},
            )
    for kind in ("Document", "Stylesheet", "Script"):
        counts = {}
        for tree in trees:
            listed = [r for key, value in results.items() if key[0] == tree.name for r in value[2] if r["type"] == kind]
            counts[tree.name] = sum(1 for r in listed if r["encoding"]) / len(listed) * 100 if listed else None
        add(f"compressed {kind} responses (first loads)", "%", counts)


FIRST_CHART_DRAWN = """() => {
  if (document.readyState === 'loading') return false;
  const holder = document.querySelector('script[data-chart-for]');
  if (!holder) return document.querySelector('.main-svg') !== null;
  const target = document.getElementById(holder.getAttribute('data-chart-for'));
  return !target || target.querySelector('.main-svg') !== null;
}"""
CHARTS_DRAWN = """() => {
  if (document.readyState === 'loading') return false;
  const holders = [...document.querySelectorAll('script[data-chart-for]')];
  if (!holders.length) return document.querySelector('.main-svg') !== null;
  return holders.every(h => {
    const target = document.getElementById(h.getAttribute('data-chart-for'));
    return !target || target.querySelector('.main-svg') !== null;
  });
}"""
FILL_STEP = """() => {
  const form = [...document.forms].find(f => f.querySelector('input[type=radio]'));
  const names = new Set([...form.querySelectorAll('input[type=radio]')].map(r => r.name));
  for (const name of names) {
    const options = [...form.querySelectorAll('input[type=radio]')].filter(r => r.name === name);
    options[Math.floor(Math.random() * options.length)].checked = true;
  }
}"""
NEXT = "form button[name=action][value=next]:not(.visually-hidden)"


def throttled(context):
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page


def radar_seconds(chromium, site: Site) -> float | None:
    """The questionnaire in a throttled, cold browser; seconds from the last submit until the
    thank-you radar has drawn."""
    context = context_for(chromium, site, signed_in=False)
    try:
        page = throttled(context)
        page.goto(site.server.url + site.fixture["survey"])
        page.locator(f'a[href$="{site.fixture["survey"]}/1"]').first.click()
        page.wait_for_load_state()
        for _ in range(50):
            # A person reads every page far longer than this: whatever the page fetches ahead
            # (prefetch) has arrived before the answers go out.
            page.wait_for_load_state("networkidle")
            page.evaluate(FILL_STEP)
            started = time.perf_counter()
            with page.expect_navigation():
                page.locator(NEXT).first.click()
            if "bedankt" in page.url:
                # plotly's chart (before) or the SVG radar that comes with the page (since)
                page.wait_for_function("() => document.querySelector('.main-svg, svg.radar') !== null", polling=50)
                return time.perf_counter() - started
        return None
    finally:
        context.close()


def dashboard_seconds(chromium, site: Site) -> tuple[float | None, float | None]:
    """Seconds from the request until the first chart (the radar below the key figures) has
    drawn, and until every chart has (the page draws them one by one)."""
    context = context_for(chromium, site, signed_in=True)
    try:
        page = throttled(context)
        started = time.perf_counter()
        page.goto(site.server.url + site.fixture["dashboard"], wait_until="commit")
        page.wait_for_function(FIRST_CHART_DRAWN, polling=50)
        first = time.perf_counter() - started
        page.wait_for_function(CHARTS_DRAWN, polling=50)
        return first, time.perf_counter() - started
    finally:
        context.close()


def throttle_rows(trees, sites, size, runs) -> None:
    chromium = browser()
    kinds = ("radar", "first chart", "every chart")
    samples = {(t.name, what): [] for t in trees for what in kinds}
    for _ in range(runs):
        for tree in trees:
            site = sites.get((tree.name, size))
            if site is None:
                continue
            samples[(tree.name, "radar")].append(radar_seconds(chromium, site))
            first, every = dashboard_seconds(chromium, site)
            samples[(tree.name, "first chart")].append(first)
            samples[(tree.name, "every chart")].append(every)
    seconds = lambda xs: None if median_ms(xs) is None else median_ms(xs) / 1000  # noqa: E731
    add(
        "Slow 4G + CPU x4: last submit -> thank-you radar drawn (goal <= 3 s)",
        "s",
        {t.name: seconds(samples[(t.name, "radar")]) for t in trees},
    )
    add(
        "Slow 4G + CPU x4: dashboard first load -> first chart drawn (goal <= 4 s)",
        "s",
        {t.name: seconds(samples[(t.name, "first chart")]) for t in trees},
    )
    add(
        "Slow 4G + CPU x4: dashboard first load -> every chart drawn",
        "s",
        {t.name: seconds(samples[(t.name, "every chart")]) for t in trees},
    )


def cpu_rows(trees, sites, size, count, databases) -> None:
    anchor_url = databases.url("sqlite", "anchor")
    anchor = serve(ROOT / "bench", "anchor:create_app()", {**os.environ, "DATABASE_URL": anchor_url})
    targets = {"anchor": (anchor, None)}
    for tree in trees:
        site = sites.get((tree.name, size))
        if site is not None:
            targets[tree.name] = (site.server, site.fixture["survey"])
    cpu = {name: 0.0 for name in targets}
    requests = {name: 0 for name in targets}
    rng = random.Random(11)

    def once(name) -> tuple[float, int]:
        server, intro = targets[name]
        client = Client(server.url)
        before = server.cpu_seconds()
        if intro is None:
            page = client.text("/")
            data = {n: v for kind, n, v in forms_of(page)[0]["inputs"] if kind == "hidden" and n}
            status, location, _ = client.request("/", {**data, "value": str(rng.randint(1, 5)), "action": "next"})
            assert status == 302, status
            assert client.request(location)[0] == 200
            made = 3
        else:
            made = client.questionnaire(intro, rng)
        time.sleep(0.05)  # let the worker finish its bookkeeping after the last response
        return server.cpu_seconds() - before, made

    for name in targets:  # warm both workers of each server: two questionnaires at once, twice
        for _ in range(2):
            both = [threading.Thread(target=once, args=(name,)) for _ in range(WORKERS)]
            for thread in both:
                thread.start()
            for thread in both:
                thread.join()
    for _ in range(count):
        for name in targets:
            used, made = once(name)
            cpu[name] += used
            requests[name] += made
    per_q = {name: cpu[name] / count * 1000 for name in targets}
    per_r = {name: cpu[name] / requests[name] * 1000 for name in targets}
    names = [t.name for t in trees]
    add(
        "requests per complete questionnaire (anchor: 3)",
        "n",
        {n: requests[n] / count if n in requests else None for n in names},
    )
    add("server CPU per questionnaire", "ms", {n: per_q.get(n) for n in names})
    add("server CPU per request", "ms", {n: per_r.get(n) for n in names})
    add("anchor (bare Flask + SQLAlchemy form): CPU per questionnaire", "ms", {n: per_q["anchor"] for n in names})
    add("anchor: CPU per request", "ms", {n: per_r["anchor"] for n in names})
    add("CPU per questionnaire / anchor (goal <= 5x)", "x", {n: ratio(per_q.get(n), per_q["anchor"]) for n in names})
    add("CPU per request / anchor (goal <= 1.5x)", "x", {n: ratio(per_r.get(n), per_r["anchor"]) for n in names})
    anchor.stop()


def programme_rows(trees, databases, kind, params, repeat) -> None:
    sites = {}
    for tree in trees:
        url = databases.url(kind, f"{tree.name}_programme")
        fixture = build(tree, "programme", url, params)
        if fixture is None:
            continue
        server = serve_tree(tree, url)
        client = Client(server.url)
        client.sign_in(fixture["email"], fixture["password"])
        sites[tree.name] = Site(tree, fixture, server, client)
    samples = {name: [] for name in sites}
    for site in sites.values():
        warm(site.client, [site.fixture["programme"]])
    for _ in range(repeat):
        for name, site in sites.items():
            samples[name].append(site.client.timed(site.fixture["programme"]))
    shape = f"{params['partnerships']} x {params['rounds']} x {params['responses']}"
    add(f"programme view, {shape}, {kind}", "ms", {t.name: median_ms(samples.get(t.name, [])) for t in trees})
    for site in sites.values():
        site.server.stop()


# --- main --------------------------------------------------------------------------------------


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also measure REV (a git worktree of it), interleaved")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument("--smoke", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rows", default=",".join(ROWS), help=f"comma-separated, of {','.join(ROWS)}")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", help="own round sizes, comma-separated (overrides the profile)")
    args = parser.parse_args(argv)
    args.rows = [r for r in args.rows.split(",") if r]
    unknown = set(args.rows) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    args.databases = [d for d in args.databases.split(",") if d]
    return args


def main(argv=None) -> list[Row]:
    args = parse(argv)
    profile_name = "smoke" if args.smoke else "quick" if args.quick else "full"
    profile = dict(PROFILES[profile_name])
    if args.sizes:
        profile["sizes"] = [int(s) for s in args.sizes.split(",")]
    sizes = profile["sizes"]
    RESULTS.clear()
    started = time.perf_counter()
    try:
        trees = ([worktree_of(args.before)] if args.before else []) + [Tree("after", ROOT)]
        databases = Databases()
        CLEANUPS.append(stop_all)  # servers go first, before their databases
        for kind in args.databases:
            browser_rows = kind == "sqlite" and {"bytes", "throttle", "cpu"} & set(args.rows)
            if "scale" not in args.rows and not browser_rows:
                continue
            wanted = sizes if "scale" in args.rows else sizes[:1]
            sites = own_sites(trees, databases, kind, wanted)
            if "scale" in args.rows:
                scale_rows(trees, sites, kind, wanted, profile["repeat"])
            if kind == "sqlite":
                for site in [s for (name, size), s in sites.items() if size != sizes[0]]:
                    site.server.stop()  # the browser and CPU rows use the smallest database
                if "bytes" in args.rows:
                    bytes_rows(trees, sites, sizes[0])
                if "throttle" in args.rows:
                    throttle_rows(trees, sites, sizes[0], profile["throttled"])
                if "cpu" in args.rows:
                    cpu_rows(trees, sites, sizes[0], profile["questionnaires"], databases)
            stop_all()
        if "programme" in args.rows:
            for kind in args.databases:
                programme_rows(trees, databases, kind, profile["programme"], profile["repeat"])
    finally:
        clean_up()
    print(
        f"\n{profile_name} run in {time.perf_counter() - started:.0f} s;"
        f" medians of {profile['repeat']} requests (browser: {profile['throttled']} runs,"
        f" CPU: {profile['questionnaires']} questionnaires); gunicorn -w 2; {os.cpu_count()} cores"
        + (f"; before = {args.before}" if args.before else "")
    )
    report(trees)
    return list(RESULTS)


if __name__ == "__main__":
    # Stopped with SIGTERM (kill PID; a background job ignores SIGINT): clean up all the same.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    main()
