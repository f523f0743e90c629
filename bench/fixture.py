"""Builds one benchmark database with the code of one tree: run as a script with that tree
first on PYTHONPATH and as the working directory (bench/speed.py does), so the database is
made by that tree's migrations, its rows land in that tree's tables and its releases are
made by that tree's own `flask release` command. Imports nothing from the tree it lives in.

    PYTHONPATH=TREE python bench/fixture.py own '{"url": ..., "responses": 1000, "seed": 1}'
    PYTHONPATH=TREE python bench/fixture.py programme '{"url": ..., "partnerships": 300, ...}'

Prints one JSON line: what speed.py needs to sign in and which URLs to measure.

Rows are bulk-inserted (responses, answers, dimension scores, comments on 12% of the
dimensions as the demo has, levels and domains varied, answers drawn around a mean per
level with 4% "weet ik niet"); releases are then made by the app's own command, so the
stored figures are the ones the app would have made. A round grows in steps (50, 100, 200,
... responses) with a release after each step, as a real round releases while it fills.
"""

from __future__ import annotations

import json
import random
import secrets
import sys
import time
from datetime import timedelta

LEVELS = (("werkvloer", 5), ("beleid", 3), ("bestuur", 2))
DOMAINS = (
    ("onderwijs", 4),
    ("werk_inkomen", 3),
    ("zorg_jeugdhulp", 3),
    ("gemeente", 4),
    ("leerplicht_rmc", 2),
    ("jongere", 1),
    ("anders", 1),
)
LEVEL_MEAN = {"werkvloer": 2.9, "beleid": 3.2, "bestuur": 3.5}
COMMENT_SHARE = 0.12  # per dimension, as manage/demo.py: about 0.7 comments per response
COMMENTS = [
    "Het casusoverleg helpt enorm om elkaar te leren kennen.",
    "Er gaat veel tijd in overleg zitten, soms te veel.",
    "We praten steeds vaker met de jongere in plaats van over de jongere.",
    "Bestuurders en werkvloer spreken elkaar te weinig.",
    "We zijn gewoon begonnen met vijf jongeren en dat werkte.",
]
CHUNK = 2_000  # responses per insert batch
PASSWORD_LENGTH = 24


def steps(total: int, first: int = 50) -> list[int]:
    """Cumulative sizes after which a release is made: 50, 100, 200, ..., total."""
    sizes, size = [], first
    while size < total:
        sizes.append(size)
        size *= 2
    return sizes + [total]


def app_for(url: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(16)})


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def release_all(app) -> str:
    """Every release that is due, through the app's own command."""
    result = app.test_cli_runner().invoke(args=["release"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask release failed: {result.output} {result.exception!r}")
    return result.output.strip()


def insert_responses(round_id: int, count: int, rng: random.Random, submitted_on) -> None:
    """`count` responses of one round, bulk-inserted into the tree's own tables."""
    from extensions import db
    from surveys.instrument import get_instrument
    from surveys.scoring import dimension_scores

    tables = db.metadata.tables
    response_columns = set(tables["response"].c.keys())
    instrument = get_instrument()
    dimensions = instrument.dimensions
    made = 0
    while made < count:
        batch = min(CHUNK, count - made)
        responses, answers, scores, comments = [], [], [], []
        for _ in range(batch):
            response_id = rng.randrange(1, 2**62)
            level = rng.choices([k for k, _ in LEVELS], [w for _, w in LEVELS])[0]
            domain = rng.choices([k for k, _ in DOMAINS], [w for _, w in DOMAINS])[0]
            row = {
                "id": response_id,
                "round_id": round_id,
                "submitted_on": submitted_on,
                "level": level,
                "domain": domain,
                "language": "nl" if rng.random() < 0.93 else "en",
            }
            responses.append({k: v for k, v in row.items() if k in response_columns})
            personal = rng.gauss(LEVEL_MEAN[level], 0.5)
            given = {}
            for dimension in dimensions:
                for item in dimension.items:
                    if rng.random() < 0.04:
                        value = None
                    else:
                        value = min(5, max(1, round(rng.gauss(personal, 0.85))))
                        value = 6 - value if item.reverse else value
                    given[item.key] = value
                    answers.append({"response_id": response_id, "item_key": item.key, "value": value})
                if rng.random() < COMMENT_SHARE:
                    comments.append(
                        {"response_id": response_id, "dimension": dimension.key, "text": rng.choice(COMMENTS)}
                    )
            for key, score in dimension_scores(instrument, given).items():
                if score is not None:
                    scores.append({"response_id": response_id, "dimension": key, "score": score})
        db.session.execute(tables["response"].insert(), responses)
        db.session.execute(tables["answer"].insert(), answers)
        db.session.execute(tables["response_score"].insert(), scores)
        if comments:
            db.session.execute(tables["comment"].insert(), comments)
        db.session.commit()
        made += batch


def analyze() -> None:
    from sqlalchemy import text

    from extensions import db

    # Fresh planner statistics, as after any bulk load. On PostgreSQL only this schema's own
    # tables: a bare ANALYZE also waits for every other schema's locks in the database.
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"ANALYZE {names}"))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.commit()


def new_round(partnership, title: str, opens_ago: int, length: int, hidden: bool = False):
    import clock
    from extensions import db
    from models import Round
    from surveys.instrument import get_instrument

    today = clock.today()
    round_ = Round(
        partnership=partnership,
        title=title,
        instrument_version=get_instrument().version,
        opens_on=today - timedelta(days=opens_ago),
        closes_on=today - timedelta(days=opens_ago) + timedelta(days=length),
        hide_results_while_open=hidden,
    )
    db.session.add(round_)
    db.session.flush()
    return round_


def leader(email: str, partnerships, admin: bool = False) -> str:
    from extensions import db
    from manage.accounts import create_user, grant
    from models import Role

    password = secrets.token_urlsafe(PASSWORD_LENGTH)
    user = create_user(email, password, "Bench", is_admin=admin)
    for partnership in partnerships:
        grant(user, partnership, Role.LEADER)
    db.session.commit()
    return password


def build_own(params: dict) -> dict:
    """A partnership whose own latest round holds `responses` (and an earlier round of 200),
    the demo partnership beside it (the neighbours question), and an open round for the
    questionnaire rows."""
    from sqlalchemy import func, select

    from extensions import db
    from manage.demo import DEMO_LEADER_EMAIL, create_demo
    from models import Partnership, Release, Response

    rng = random.Random(params.get("seed", 1))
    app = app_for(params["url"])
    migrate(app)
    with app.app_context():
        create_demo()
        own = Partnership(slug="eigen", name="Eigen schaal")
        opened = Partnership(slug="open", name="Open meting")
        db.session.add_all([own, opened])
        earlier = new_round(own, "T0", 400, 28)
        latest = new_round(own, "T1", 60, 28)
        survey = new_round(opened, "T0", 1, 60)
        db.session.commit()
        ids = {"earlier": earlier.id, "latest": latest.id, "survey_code": survey.public_code}
    with app.app_context():
        insert_responses(ids["earlier"], min(200, params["responses"]), rng, clock_day(-400))
    release_all(app)
    done = 0
    for size in steps(params["responses"]):
        with app.app_context():
            insert_responses(ids["latest"], size - done, rng, clock_day(-50))
        done = size
        release_all(app)
    with app.app_context():
        analyze()
        password = leader(
            "leider@eigen.example",
            [db.session.scalar(select(Partnership).where(Partnership.slug == s)) for s in ("eigen", "demo")],
        )
        released = db.session.scalar(
            select(Release.n).where(Release.round_id == ids["latest"]).order_by(Release.number.desc()).limit(1)
        )
        releases = db.session.scalar(select(func.count()).select_from(Release).where(Release.round_id == ids["latest"]))
        stored = db.session.scalar(select(func.count()).select_from(Response).where(Response.round_id == ids["latest"]))
        total = db.session.scalar(select(func.count()).select_from(Response))
    return {
        "email": "leider@eigen.example",
        "password": password,
        "demo_leader": DEMO_LEADER_EMAIL,
        "dashboard": "/dashboard/eigen/",
        "api": f"/api/partnerships/eigen/rounds/{ids['latest']}",
        "neighbours_dashboard": "/dashboard/demo/",
        "survey": f"/s/{ids['survey_code']}",
        "stored": stored,
        "released": released,
        "releases": releases,
        "total_responses": total,
    }


def clock_day(offset: int):
    import clock

    return clock.today() + timedelta(days=offset)


def build_programme(params: dict) -> dict:
    """A programme of `partnerships` partnerships, each with `rounds` closed rounds of
    `responses` responses, all released; an administrator to see it."""
    from extensions import db
    from models import Partnership, Programme

    rng = random.Random(params.get("seed", 2))
    app = app_for(params["url"])
    migrate(app)
    with app.app_context():
        programme = Programme(slug="landelijk", name="Landelijk programma")
        db.session.add(programme)
        rounds = []
        for number in range(params["partnerships"]):
            partnership = Partnership(slug=f"p{number:03d}", name=f"Partnerschap {number:03d}", programme=programme)
            db.session.add(partnership)
            for index in range(params["rounds"]):
                rounds.append(new_round(partnership, f"T{index}", 720 - 180 * index, 28).id)
        db.session.commit()
        for round_id in rounds:
            insert_responses(round_id, params["responses"], rng, clock_day(-30))
    release_all(app)
    with app.app_context():
        analyze()
        password = leader("beheer@programma.example", [], admin=True)
    return {"email": "beheer@programma.example", "password": password, "programme": "/dashboard/programma/landelijk/"}


def main() -> None:
    kind, params = sys.argv[1], json.loads(sys.argv[2])
    started = time.perf_counter()
    result = {"own": build_own, "programme": build_programme}[kind](params)
    result["build_seconds"] = round(time.perf_counter() - started, 1)
    print("FIXTURE " + json.dumps(result))


if __name__ == "__main__":
    main()
