"""What a release costs the respondent who triggers it: one round grows response by response
(random levels, domains and "weet ik niet", stored through the submission code), and every
release that falls due is timed. Prints each release's size and time, and the median per
size band.

    .venv/bin/python bench/release_cost.py [--responses 300] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade

import clock
from app import create_app
from dashboard.releases import release_if_due
from extensions import db
from models import Partnership, Round
from surveys.instrument import get_instrument
from surveys.responses import add_response

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=300)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    url = (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-')) / 'release.db'}" if args.database == "sqlite" else POSTGRES
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    rng = random.Random(1)
    with app.app_context():
        upgrade()
        instrument = get_instrument()
        levels = [o.key for o in instrument.profile_question("level").options]
        domains = [o.key for o in instrument.profile_question("domain").options]
        round_ = Round(
            partnership=Partnership(slug=f"bench-{rng.randrange(10**6)}", name="Bench"),
            title="T0",
            instrument_version=instrument.version,
            opens_on=clock.today() - timedelta(days=1),
            closes_on=clock.today() + timedelta(days=20),
        )
        db.session.add(round_)
        db.session.commit()
        timings = []
        for _ in range(args.responses):
            answers = {item.key: rng.randint(1, 5) if rng.random() > 0.1 else None for item in instrument.items}
            add_response(
                round_.id,
                instrument,
                answers,
                {},
                {"level": rng.choice(levels), "domain": rng.choice(domains)},
                "nl",
                clock.today(),
            )
            db.session.commit()
            started = time.perf_counter()
            release = release_if_due(round_.id, app.config["MIN_GROUP_SIZE"])
            if release is not None:
                timings.append((release.n, time.perf_counter() - started))
                print(
                    f"release {release.number:>3}: {release.n:>6} responses, {timings[-1][1] * 1000:8.1f} ms",
                    flush=True,
                )
    print(f"\n{args.database}: {len(timings)} releases for {args.responses} responses; median ms per release by size")
    for low, high in ((0, 50), (50, 100), (100, 200), (200, 10**9)):
        band = [t for n, t in timings if low < n <= high]
        if band:
            print(
                f"  {low + 1:>4}-{high if high < 10**9 else '':<5} {statistics.median(band) * 1000:8.1f} ms  ({len(band)} releases)"  # noqa: E501
            )


if __name__ == "__main__":
    main()
