"""The schema comes from the migrations: one head, and the models agree with it."""

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from config import BASE_DIR
from extensions import db


def test_migrations_have_a_single_head():
    config = Config()
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_models_and_migrations_agree(app):
    """The test database was built by `flask db upgrade`; autogenerate finds nothing to add."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_upgrading_keeps_every_row(tmp_path):
    """On SQLite, a migration that rebuilds a table (batch mode) must not cascade-delete
    the rows that refer to it: data from before the upgrade is all there after it."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="022dd3686316")  # before programmes and hidden results
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO partnership (id, slug, name, region, created_on) VALUES (1, 'p', 'P', '', '2026-01-01')"  # noqa: E501
                )
            )
            connection.execute(
                text(
                    "INSERT INTO round (id, partnership_id, title, instrument_version, opens_on, closes_on, closed_early, public_code) "  # noqa: E501
                    "VALUES (1, 1, 'T0', 1, '2026-01-01', '2026-02-01', 0, 'abcdefghjk')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO response (id, round_id, submitted_on, level, domain, language) VALUES (1, 1, '2026-01-02', 'beleid', 'gemeente', 'nl')"  # noqa: E501
                )
            )
            connection.execute(
                text("INSERT INTO response_score (id, response_id, dimension, score) VALUES (1, 1, 'urgency', 4.0)")
            )
        upgrade()
        with db.engine.connect() as connection:
            counts = [
                connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                for table in ("partnership", "round", "response", "response_score")
            ]
            assert counts == [1, 1, 1, 1]
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        downgrade(revision="022dd3686316")
        upgrade()
        db.engine.dispose()


COVERING = {
    "answer": ("ix_answer_response_item_value", ["response_id", "item_key", "value"], "ix_answer_response_id"),
    "response_score": (
        "ix_response_score_response_dimension_score",
        ["response_id", "dimension", "score"],
        "ix_response_score_response_id",
    ),
}


def index_columns(connection, table: str) -> dict[str, list[str]]:
    from sqlalchemy import inspect

    return {index["name"]: index["column_names"] for index in inspect(connection).get_indexes(table)}


def test_a_rounds_answers_and_scores_have_covering_indexes(app):
    """The release queries read a round's answers and scores from an index that holds every
    column they use (on both databases), in place of the index on response_id alone."""
    with app.app_context(), db.engine.connect() as connection:
        for table, (name, columns, replaced) in COVERING.items():
            indexes = index_columns(connection, table)
            assert indexes[name] == columns
            assert replaced not in indexes


def test_the_covering_indexes_migrate_down_and_up(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'idx.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        downgrade(revision="3a8e0d07d69e")
        with db.engine.connect() as connection:
            for table, (name, _columns, replaced) in COVERING.items():
                indexes = index_columns(connection, table)
                assert indexes[replaced] == ["response_id"] and name not in indexes
        upgrade()
        with db.engine.connect() as connection:
            for table, (name, columns, _replaced) in COVERING.items():
                assert index_columns(connection, table)[name] == columns
        db.engine.dispose()
