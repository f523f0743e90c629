"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# One naming convention, so Alembic names constraints alike on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
# Counters keyed by client address live only in the limiter's storage (memory, or Redis when
# RATELIMIT_STORAGE_URI is set so that several workers share them), never with a response.
limiter = Limiter(key_func=get_remote_address)


def counts_when(status: int):
    """For `deduct_when`: a limit that counts only the answers with this status (failed
    sign-ins, links that do not exist), so normal use is never slowed down."""
    return lambda response: response.status_code == status


login_manager = LoginManager()
login_manager.session_protection = "basic"
