"""Load test: the app under gunicorn with several workers, flooded with complete
questionnaires from concurrent clients that behave like browsers (fetch each page, take its
CSRF token, post, follow the redirect).

    .venv/bin/python bench/load.py                                    # 1,000 questionnaires, 50 clients, SQLite
    .venv/bin/python bench/load.py --database postgresql
    .venv/bin/python bench/load.py --kill-workers 10                  # kill -9 a worker now and then meanwhile

Afterwards it checks the database: with no kills, exactly as many responses as sent, each
with all its answers; with kills, no response is ever half-written.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import secrets
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import clock  # noqa: E402
from surveys.instrument import get_instrument  # noqa: E402
from surveys.pages import pages  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
INSTRUMENT = get_instrument()
PAGES = pages(INSTRUMENT)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    env: dict

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def database_url(kind: str, workdir: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'load.db'}", None
    schema = f"load_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{POSTGRES}?options=-csearch_path%3D{schema}", schema


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def start(url: str, workers: int) -> tuple[Server, str]:
    """Migrate, make a partnership with an open round, start gunicorn; returns the survey code."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        # Every client comes from 127.0.0.1: as many new questionnaires as the run needs.
        "RATELIMIT_STORAGE_URI": "memory://",
        "DRAFT_LIMIT": "1000000 per hour",
    }
    flask(env, "db", "upgrade")
    flask(env, "partnership", "create", "load", "Load test")
    made = flask(env, "round", "create", "load", "T0", "--closes", str(clock.today() + timedelta(days=30)))
    code = re.search(r"/s/([a-z0-9]+)", made).group(1)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "5",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(f"http://127.0.0.1:{port}", process, env)
    for _ in range(100):
        try:
            urllib.request.urlopen(server.url + "/", timeout=2)
            return server, code
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


@dataclass
class Tally:
    submitted: int = 0
    failed: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def questionnaire(server: Server, code: str, seed: int, tally: Tally) -> None:
    """One respondent, like a browser: every page fetched before it is posted."""
    rng = random.Random(seed)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    started = time.perf_counter()
    try:
        opener.open(f"{server.url}/s/{code}", timeout=60).read()
        steps = len(PAGES)
        for page_of_steps in PAGES:  # the app's pages: two dimensions each, then the profile
            step = page_of_steps.number
            page = opener.open(f"{server.url}/s/{code}/{step}", timeout=60).read().decode()
            data = {"csrf_token": CSRF.search(page).group(1), "action": "next"}
            if not page_of_steps.is_profile:
                data.update(
                    {
                        item.key: rng.choice(["1", "2", "3", "4", "5", "dk"])
                        for dimension in page_of_steps.dimensions
                        for item in dimension.items
                    }
                )
            else:
                data.update({"level": rng.choice(["werkvloer", "beleid", "bestuur"]), "domain": "gemeente"})
            try:
                opener.open(f"{server.url}/s/{code}/{step}", urllib.parse.urlencode(data).encode(), timeout=60)
                raise RuntimeError(f"step {step}: no redirect")
            except urllib.error.HTTPError as redirect:
                if redirect.code != 302:
                    raise RuntimeError(f"step {step}: HTTP {redirect.code}") from None
                if step == steps and not redirect.headers["Location"].endswith("/bedankt"):
                    raise RuntimeError(f"submit went to {redirect.headers['Location']}") from None
        with tally.lock:
            tally.submitted += 1
            tally.seconds.append(time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 (every failure is counted, and reported)
        with tally.lock:
            tally.failed.append(f"{type(error).__name__}: {error}")


def killer(server: Server, kills: int, stop: threading.Event, killed: list) -> None:
    """kill -9 a random worker now and then; gunicorn starts a new one."""
    rng = random.Random(1)
    while len(killed) < kills and not stop.is_set():
        time.sleep(rng.uniform(0.3, 1.0))
        pids = server.worker_pids()
        if pids:
            pid = rng.choice(pids)
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)


def check(url: str) -> dict:
    """Responses, and responses whose answers or scores are incomplete."""
    sys_url = url.replace("+psycopg", "")
    items = len(INSTRUMENT.items)
    incomplete_sql = (
        f"SELECT count(*) FROM response r WHERE (SELECT count(*) FROM answer a WHERE a.response_id = r.id) <> {items}"
    )
    if sys_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(sys_url.removeprefix("sqlite:///")) as connection:
            responses = connection.execute("SELECT count(*) FROM response").fetchone()[0]
            incomplete = connection.execute(incomplete_sql).fetchone()[0]
    else:
        base, options = sys_url.split("?")
        schema = options.split("%3D")[1]
        with psycopg.connect(base, options=f"-csearch_path={schema}") as connection:
            responses = connection.execute("SELECT count(*) FROM response").fetchone()[0]
            incomplete = connection.execute(incomplete_sql).fetchone()[0]
    return {"responses": responses, "incomplete": incomplete}


def run(database: str, questionnaires: int, clients: int, workers: int, kills: int = 0) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="load-"))
    url, schema = database_url(database, workdir)
    server, code = start(url, workers)
    tally, stop, killed = Tally(), threading.Event(), []
    chaos = threading.Thread(target=killer, args=(server, kills, stop, killed), daemon=True)
    started = time.perf_counter()
    try:
        if kills:
            chaos.start()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            for seed in range(questionnaires):
                pool.submit(questionnaire, server, code, seed, tally)
        stop.set()
    finally:
        elapsed = time.perf_counter() - started
        server.stop()
    result = {
        "database": database,
        "questionnaires": questionnaires,
        "clients": clients,
        "workers": workers,
        "submitted": tally.submitted,
        "failed": len(tally.failed),
        "failures": tally.failed[:5],
        "killed": len(killed),
        "seconds": round(elapsed, 1),
        "per_second": round(tally.submitted / elapsed, 1),
        "median_questionnaire_seconds": round(statistics.median(tally.seconds), 2) if tally.seconds else None,
        **check(url),
    }
    if schema:
        with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--questionnaires", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-workers", type=int, default=0, help="kill -9 this many workers during the run")
    args = parser.parse_args()
    result = run(args.database, args.questionnaires, args.clients, args.workers, args.kill_workers)
    for key, value in result.items():
        print(f"{key:>30}: {value}")
    if not args.kill_workers and (result["failed"] or result["responses"] != args.questionnaires):
        sys.exit(1)
    if result["incomplete"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
