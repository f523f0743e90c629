"""Settings, read from the environment (and a `.env` file, loaded by the flask CLI).

Every setting has a default that runs the app locally on SQLite; production sets
DATABASE_URL and SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
#: MIN_GROUP_SIZE is never below this, whatever the environment or create_app's mapping says:
#: in a group of two each member can work out the other's answers from their own.
SMALLEST_GROUP_SIZE = 3


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


#: The default SECRET_KEY: public (it is in this file), so anyone could forge a session cookie
#: and sign in as anyone. create_app refuses to serve with it outside debug and testing.
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'samenwerkingsmonitor.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: Base of the links printed by the CLI (no request to take it from there).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    #: Groups with fewer respondents are never shown; create_app raises it to SMALLEST_GROUP_SIZE.
    MIN_GROUP_SIZE = _int("MIN_GROUP_SIZE", 5)

    # A respondent may leave the questionnaire open for hours: the CSRF token lives
    # as long as the session instead of Flask-WTF's default hour.
    WTF_CSRF_TIME_LIMIT = None
    # Unfinished questionnaires are kept this long in the respondent's session.
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    SESSION_COOKIE_HTTPONLY = True
    # The questionnaire renews the cookie when it saves a page; a GET need not send it again.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    MAX_CONTENT_LENGTH = 256 * 1024

    # Email (invitations, reminders). Without MAIL_SERVER nothing is sent and leaders copy the links.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "samenwerkingsmonitor@localhost")

    # Rate limits (sign-in, personal and invitation links): Redis when several workers run.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: New unfinished questionnaires per client address: each takes room in the database until
    #: it is submitted or purged. People filling in together behind one address (an office,
    #: a school) share it, so it is generous; raise it for a larger session in one room.
    DRAFT_LIMIT = os.environ.get("DRAFT_LIMIT", "60 per hour")
    #: Behind a proxy that terminates HTTPS: trust its X-Forwarded-Proto (and -For) headers.
    TRUST_PROXY = os.environ.get("TRUST_PROXY", "0") == "1"

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
