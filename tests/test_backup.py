"""Backup and restore: a round trip loses nothing, a damaged file changes nothing."""

import json
import secrets

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app import create_app
from extensions import db
from manage.accounts import create_user
from manage.backup import tables

from .conftest import POSTGRES_URL
from .test_dashboard import rounds  # noqa: F401  (a partnership with three rounds of responses)


def all_rows(app) -> dict[str, list[tuple]]:
    with app.app_context():
        return {
            t.name: [tuple(r) for r in db.session.execute(select(t).order_by(*t.primary_key.columns))] for t in tables()
        }


@pytest.fixture
def empty_app(database_url, tmp_path):
    """A second, empty database of the same kind (a new SQLite file, or a new PostgreSQL schema)."""
    schema = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        schema = f"restore_{secrets.token_hex(4)}"
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    if schema:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_full_round_trip_compares_row_by_row(app, runner, rounds, empty_app, tmp_path):  # noqa: F811
    runner.invoke(args=["demo"])
    file = tmp_path / "backup.json"
    exported = runner.invoke(args=["backup", "export", str(file)])
    assert exported.exit_code == 0, exported.output
    restored = empty_app.test_cli_runner().invoke(args=["backup", "import", str(file)])
    assert restored.exit_code == 0, restored.output
    original, copy = all_rows(app), all_rows(empty_app)
    assert sum(len(rows) for rows in original.values()) > 5_000
    assert len(original["release"]) >= 5 + 3  # the fixture's five, and the demo's
    assert copy == original
    # The copy works, and new rows get fresh ids (PostgreSQL's sequences moved past the restored ones).
    with empty_app.app_context():
        assert create_user("nieuw@p.example", "lang genoeg wachtwoord").id > max(row[0] for row in copy["user_account"])


def test_one_partnership_only(app, runner, rounds, empty_app, tmp_path):  # noqa: F811
    runner.invoke(args=["demo"])
    file = tmp_path / "one.json"
    assert (
        runner.invoke(args=["backup", "export", str(file), "--partnership", rounds["partnership"].slug]).exit_code == 0
    )
    assert empty_app.test_cli_runner().invoke(args=["backup", "import", str(file)]).exit_code == 0
    copy = all_rows(empty_app)
    assert [row[1] for row in copy["partnership"]] == [rounds["partnership"].slug]
    assert len(copy["round"]) == 3 and len(copy["response"]) == 15 + 10 + 3
    # Releases travel with their rounds: T0's three and T1's two (T2 has none), figures and all.
    assert sorted((row[2], row[4]) for row in copy["release"]) == [(1, 5), (1, 5), (2, 10), (2, 10), (3, 15)]
    assert sorted(row[0] for row in copy["release"]) == sorted(
        row[0] for row in all_rows(app)["release"] if row[1] in {r[0] for r in copy["round"]}
    )
    restored = {row[0]: row for row in copy["release"]}
    assert all(restored[row[0]] == row for row in all_rows(app)["release"] if row[0] in restored)
    # Responses keep the release they first count in: without it every figure would move.
    assert sorted(row[-1] for row in copy["response"] if row[-1] is not None) == [1] * 10 + [2] * 10 + [3] * 5
    assert [row[1] for row in copy["user_account"]] == ["leider@p.example"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "garbage"])
def test_a_damaged_file_is_refused_without_touching_the_database(app, runner, rounds, empty_app, tmp_path, damage):  # noqa: F811
    file = tmp_path / "backup.json"
    runner.invoke(args=["backup", "export", str(file)])
    raw = file.read_text()
    if damage == "truncate":
        raw = raw[: len(raw) // 2]
    elif damage == "flip":
        raw = raw.replace('"T1 najaar"', '"T1 NAJAAR"')
    elif damage == "foreign":
        raw = json.dumps({"format": "something-else"})
    else:
        raw = "\x00\x01 not json"
    file.write_text(raw)
    result = empty_app.test_cli_runner().invoke(args=["backup", "import", str(file)])
    assert result.exit_code != 0 and "Not restored" in result.output
    assert all(rows == [] for rows in all_rows(empty_app).values())


def test_restoring_into_a_database_with_data_is_refused(app, runner, rounds, tmp_path):  # noqa: F811
    file = tmp_path / "backup.json"
    runner.invoke(args=["backup", "export", str(file)])
    before = all_rows(app)
    result = runner.invoke(args=["backup", "import", str(file)])
    assert result.exit_code != 0 and "not empty" in result.output
    assert all_rows(app) == before
