"""The app factory: `flask --app app run`, `flask --app app demo`, gunicorn 'app:create_app()'."""

import logging
import os
import re

import click
from flask import Flask, jsonify, render_template, request
from flask_babel import format_date, format_decimal, format_percent
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import DEVELOPMENT_SECRET_KEY, SMALLEST_GROUP_SIZE, Config
from extensions import babel, compress, csrf, db, limiter, login_manager, migrate
from i18n import (
    current_language,
    language_url,
    remember_language_choice,
    select_language,
)
from models import MAX_ID
from text_rules import first_control_character


class WithoutClientAddress(logging.Filter):
    """The development server logs every request with the client's IP address; respondents
    are anonymous, so the address is dropped. (gunicorn keeps no access log unless asked.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = re.sub(r"^\S+ - - ", "", record.msg)
        return True


logging.getLogger("werkzeug").addFilter(WithoutClientAddress())

#: Production log lines: when, how bad, which logger, what; no client address (the filter
#: above drops the development server's), no request data.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_production_logging(app: Flask) -> None:
    """Outside debug and testing, when nothing (gunicorn's --log-config, a test runner) has set
    up logging: the app's warnings and errors (failed mail, a 500's traceback) go to stderr
    at INFO and above, where gunicorn and systemd collect them."""
    root = logging.getLogger()
    if app.debug or app.testing or root.handlers:
        return
    handler = logging.StreamHandler()  # stderr
    handler.setFormatter(logging.Formatter(LOG_FORMAT))  # werkzeug's own filter drops addresses
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if config:
        app.config.from_mapping(config)
    # The one clamp: it covers the environment (through Config) and the mapping alike.
    app.config["MIN_GROUP_SIZE"] = max(SMALLEST_GROUP_SIZE, int(app.config["MIN_GROUP_SIZE"]))
    refuse_to_serve_with_the_development_key(app)
    configure_production_logging(app)
    os.makedirs(app.instance_path, exist_ok=True)  # home of the default SQLite file
    register_input_guard(app)
    register_extensions(app)
    warn_about_per_process_rate_limits(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_headers(app)
    register_template_helpers(app)
    return app


def serves_requests() -> bool:
    """Is this app built to answer requests? Yes under gunicorn and `flask run`; no inside the
    other `flask` commands (db upgrade, demo, user create, ...), which sign no cookie or token."""
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"


def refuse_to_serve_with_the_development_key(app: Flask) -> None:
    """With the public development key anyone can forge a session cookie and sign in as anyone:
    outside debug and testing the app does not start with it."""
    if app.config["SECRET_KEY"] != DEVELOPMENT_SECRET_KEY or app.debug or app.testing or not serves_requests():
        return
    raise RuntimeError(
        "SECRET_KEY is the development key, which anyone can read in config.py. Set SECRET_KEY to a "
        "long random value (python -c 'import secrets; print(secrets.token_hex(32))'), in the "
        "environment or in .env; on your own machine `flask --app app run --debug` runs with the "
        "development key."
    )


def strings_in(value):
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def refused_input() -> bool:
    """A NUL anywhere in path, query string, form or JSON body, or any other control character
    in path or query string. PostgreSQL refuses NUL in text (a 500 wherever one reached a
    query) and no address contains control characters. Other control characters in form and
    JSON values are left to the forms, which name the field and keep the rest of what was
    typed (multi-line fields allow line breaks and tabs, single-line fields nothing)."""
    if first_control_character(request.path) is not None:
        return True
    if any(first_control_character(text) is not None for pair in request.args.items(multi=True) for text in pair):
        return True
    if request.is_json:
        raw = request.get_data(cache=True)  # the form parser and get_json read the cached copy
        if b"\x00" in raw:
            return True
        return any("\x00" in text for text in strings_in(request.get_json(silent=True)))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        names = [name for name, _value in request.form.items(multi=True)] + list(request.files)
        if None in names:
            return True  # a multipart part whose name the parser could not read (a line break in it)
        texts = [text for pair in request.form.items(multi=True) for text in pair]
        texts += names + [upload.filename or "" for upload in request.files.values()]
        return any("\x00" in text for text in texts)
    return False


def register_input_guard(app: Flask) -> None:
    """Before anything else (language choice, rate limits, the view): a 400 with a page that
    says what is wrong for input no person types."""

    def guard():
        if refused_input():
            if request.blueprint == "api":
                return jsonify(error="Bad Request", status=400), 400
            return render_template("control_characters.html"), 400
        return None

    app.before_request_funcs.setdefault(None, []).insert(0, guard)


RATELIMIT_WARNED = False  # once per process, not once per app (tests build many apps)


def warn_about_per_process_rate_limits(app: Flask) -> None:
    """memory:// counts per process: under `gunicorn -w 4` every limit is four times as high.
    Said loudly at start-up; in debug and testing a single process is the norm."""
    global RATELIMIT_WARNED
    storage = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if RATELIMIT_WARNED or app.debug or app.testing or not storage.startswith("memory://"):
        return
    RATELIMIT_WARNED = True
    logging.getLogger(__name__).warning(
        "RATELIMIT_STORAGE_URI is %s: rate-limit counters (sign-in, link guessing, new "
        "questionnaires) live in this process only. With several workers or instances (gunicorn "
        "-w 4) each keeps its own counters and every limit is that many times higher. Set "
        "RATELIMIT_STORAGE_URI=redis://host:6379 so that all workers share them.",
        storage,
    )


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (registers the tables with SQLAlchemy's metadata)

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)  # batch mode: ALTER TABLE on SQLite
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    babel.init_app(app, locale_selector=select_language)
    app.before_request(remember_language_choice)
    register_compression(app)


#: What Flask-Compress compresses: HTML, CSS, JS, JSON and SVG; not CSV or XLSX downloads
#: (XLSX is a zip already) nor images that are compressed already.
COMPRESSED_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]


def register_compression(app: Flask) -> None:
    """Brotli, else gzip, for bodies of 500 bytes and more. Streamed bodies (static files
    through send_file, exports that stream) are compressed chunk by chunk as they go, never
    gathered first. Its after_request is registered before register_headers' one, so it runs
    after it (Flask runs them last-registered first) and sees the final headers. A response that
    has a Content-Encoding already (plotly.js, compressed once per process) passes untouched."""
    for key, value in {
        "COMPRESS_MIMETYPES": COMPRESSED_MIMETYPES,
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_STREAMS": True,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_BR_LEVEL": 4,
        "COMPRESS_LEVEL": 6,
    }.items():
        app.config.setdefault(key, value)
    compress.init_app(app)


class IdConverter(IntegerConverter):
    """<id:name> in a URL: a database id; anything larger than the column holds is a 404."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    from assets import bp as assets_bp
    from auth.views import bp as auth_bp
    from dashboard.views import api as api_bp
    from dashboard.views import bp as dashboard_bp
    from manage.views import bp as manage_bp
    from manage.views import welcome as welcome_bp
    from surveys.views import bp as surveys_bp
    from surveys.views import personal as personal_bp
    from surveys.views_youth import bp as youth_bp

    blueprints = (assets_bp, auth_bp, dashboard_bp, api_bp, manage_bp, welcome_bp, surveys_bp, personal_bp, youth_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.register_blueprint(__import__("dashboard.followup", fromlist=["bp"]).bp)  # guide, actions, timeline
    app.add_url_rule("/", "home", lambda: render_template("home.html"))
    app.add_url_rule("/privacy", "privacy", lambda: render_template("privacy.html"))  # every sentence tested


def register_errorhandlers(app: Flask) -> None:
    def error_page(error):
        if request.blueprint == "api":
            return jsonify(error=error.name, status=error.code), error.code
        # A message of the app's own (abort(404, description=_(...))), not Werkzeug's English default.
        detail = error.description if error.description != type(error).description else None
        return render_template("error.html", code=error.code, detail=detail), error.code

    # 500 too: the API answers JSON whatever went wrong. Flask logs the traceback before this.
    for code in (400, 401, 403, 404, 405, 410, 413, 422, 429, 500):
        app.register_error_handler(code, error_page)
    app.register_error_handler(CSRFError, error_page)


def register_commands(app: Flask) -> None:
    from manage.commands import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from assets import plotly_filename
    from dashboard.versions import versions_sentence
    from surveys.scoring import CONCERN_BELOW, STRENGTH_FROM

    app.jinja_env.globals.update(
        SCORE_BANDS={"concern_below": CONCERN_BELOW, "strength_from": STRENGTH_FROM},  # the legend's numbers
        current_language=current_language,
        versions_sentence=versions_sentence,  # rounds on different questionnaire versions compared
        language_url=language_url,
        format_date=format_date,
        format_decimal=format_decimal,
        format_percent=format_percent,
        plotly_filename=plotly_filename,
    )


def register_headers(app: Flask) -> None:
    from assets import cache_control

    # plotly.js sets inline styles, so styles allow 'unsafe-inline'; scripts never do.
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        # One rule for every response (assets.cache_control): a year for content-hashed static
        # files and plotly.js, signed in or not; no-store for everything the app renders.
        response.headers["Cache-Control"] = cache_control(response)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
