"""The schema comes from the migrations: one head, and the models agree with it."""
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

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
