"""Does one partnership's dashboard stay as fast when the database holds 100,000 responses
of other partnerships as when it holds 1,000?

Builds two databases side by side (the demo partnership plus filler partnerships, filler
rows bulk-inserted), signs in as the demo leader and times the dashboard page and the JSON
API in each, interleaved, then prints medians and the ratio large/small.

    .venv/bin/python bench/dashboard_scale.py                       # SQLite files in a temp dir
    .venv/bin/python bench/dashboard_scale.py --database postgresql # schemas in the local PostgreSQL

This proves isolation (other partnerships' data does not slow this one down), not scale: a
partnership whose own round grows is measured by bench/speed.py (its "own round" rows),
which also repeats this question under gunicorn as its "neighbours" rows.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

import clock  # noqa: E402
from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from manage.demo import DEMO_LEADER_EMAIL, create_demo, reset_demo_leader  # noqa: E402
from models import Answer, Partnership, Response, ResponseScore, Round  # noqa: E402
from surveys.instrument import get_instrument  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PER_ROUND = 250


def database_url(kind: str, name: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{workdir / name}.db"
    schema = f"bench_{name}_{secrets.token_hex(3)}"
    with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


def fill(total_responses: int, seed: int = 7) -> None:
    """Filler partnerships with rounds of PER_ROUND responses each, inserted in bulk."""
    rng = random.Random(seed)
    instrument = get_instrument()
    items = [item.key for item in instrument.items]
    dimensions = [d.key for d in instrument.dimensions]
    made = db.session.scalar(select(db.func.count()).select_from(Response))
    number = 0
    while made < total_responses:
        number += 1
        partnership = Partnership(slug=f"filler-{number}", name=f"Filler {number}")
        round_ = Round(
            partnership=partnership,
            title="T0",
            instrument_version=instrument.version,
            opens_on=clock.today() - timedelta(days=60),
            closes_on=clock.today() - timedelta(days=30),
        )
        db.session.add(round_)
        db.session.flush()
        count = min(PER_ROUND, total_responses - made)
        ids = db.session.scalars(
            insert(Response).returning(Response.id),
            [
                {
                    "round_id": round_.id,
                    "submitted_on": round_.opens_on,
                    "level": rng.choice(["werkvloer", "beleid", "bestuur"]),
                    "domain": "gemeente",
                    "language": "nl",
                }
                for _ in range(count)
            ],
        ).all()
        db.session.execute(
            insert(Answer), [{"response_id": i, "item_key": k, "value": rng.randint(1, 5)} for i in ids for k in items]
        )
        db.session.execute(
            insert(ResponseScore),
            [{"response_id": i, "dimension": d, "score": rng.uniform(1, 5)} for i in ids for d in dimensions],
        )
        db.session.commit()
        made += count


def build(kind: str, name: str, responses: int, workdir: Path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url(kind, name, workdir), "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}
    )
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        create_demo()
        password = reset_demo_leader()
        fill(responses)
        # Fresh planner statistics, as after any bulk load; on PostgreSQL this schema's tables
        # only (a bare ANALYZE waits for the locks of every other schema in the database).
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"ANALYZE {tables}" if kind == "postgresql" else "ANALYZE"))
        db.session.commit()
        total = db.session.scalar(select(db.func.count()).select_from(Response))
    print(f"{name}: {total} responses in the database, built in {time.perf_counter() - started:.1f} s", flush=True)
    client = app.test_client()
    client.post("/inloggen", data={"email": DEMO_LEADER_EMAIL, "password": password})
    with app.app_context():
        round_id = db.session.scalar(
            select(Round.id).join(Partnership).where(Partnership.slug == "demo").order_by(Round.opens_on)
        )
    return client, {"dashboard": "/dashboard/demo/", "api": f"/api/partnerships/demo/rounds/{round_id}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    small, urls = build(args.database, "small", args.small, workdir)
    large, _ = build(args.database, "large", args.large, workdir)
    timings = {(size, page): [] for size in ("small", "large") for page in urls}
    for _ in range(args.repeat):  # interleaved, so machine noise hits both alike
        for size, client in (("small", small), ("large", large)):
            for page, url in urls.items():
                started = time.perf_counter()
                response = client.get(url)
                timings[(size, page)].append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
    print(f"\n{args.database}, {args.repeat} requests each, median milliseconds")
    print(f"{'page':<10} {args.small:>10,} {args.large:>10,}  ratio")
    for page in urls:
        a, b = (statistics.median(timings[(size, page)]) * 1000 for size in ("small", "large"))
        print(f"{page:<10} {a:>10.1f} {b:>10.1f}  {b / a:.2f}")


if __name__ == "__main__":
    main()
