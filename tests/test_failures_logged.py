"""What fails is logged, and answered in the shape the client expects: mail the server refuses
or cannot take, a 500 in the API, and where log lines go in production."""

import io
import logging
import socket
import sys
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

import mailer
from app import LOG_FORMAT, create_app

from .conftest import smtp_server

BARE = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True}
LINK = "https://monitor.example.nl/u/GEHEIM-token-123"


def mail_app(port: int):
    return create_app({**BARE, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False})


class RefusingHandler:
    """An SMTP server that refuses recipients whose address starts with "weg" (550), and
    every message whose body holds "WEIGER" (554)."""

    def __init__(self):
        self.delivered = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("weg"):
            return f"550 5.1.1 <{address}>: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"WEIGER" in envelope.content:
            return "554 5.7.1 message refused"
        self.delivered.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def refusing_server():
    handler = RefusingHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()


def mail_log(caplog) -> str:
    return "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING)


def test_refused_recipients_and_messages_are_logged_with_counts_and_nothing_personal(refusing_server, caplog):
    port, handler = refusing_server
    messages = [
        ("ok@example.nl", "Uitnodiging", f"Je link: {LINK}"),
        ("weg@example.nl", "Uitnodiging", f"Je link: {LINK}"),
        ("ook@example.nl", "Uitnodiging", f"WEIGER {LINK}"),
    ]
    with mail_app(port).app_context(), caplog.at_level(logging.WARNING):
        failed = mailer.send_many(messages)
    assert failed == ["weg@example.nl", "ook@example.nl"] and handler.delivered == ["ok@example.nl"]
    log = mail_log(caplog)
    assert "SMTPRecipientsRefused [550]" in log and "SMTPDataError 554" in log
    assert "2 of 3 emails not sent" in log
    assert "GEHEIM" not in log and "Je link" not in log and "example.nl" not in log  # no body, link or address


def test_an_unreachable_mail_server_is_logged_with_how_many_did_not_go(caplog):
    with socket.socket() as closed:  # bound, never listening: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with mail_app(port).app_context(), caplog.at_level(logging.WARNING):
            failed = mailer.send_many([("a@example.nl", "S", LINK), ("b@example.nl", "S", LINK)])
    assert failed == ["a@example.nl", "b@example.nl"]
    log = mail_log(caplog)
    assert f"Mail server 127.0.0.1:{port} failed (ConnectionRefusedError); 2 of 2 emails not sent." in log
    assert "GEHEIM" not in log and "a@example.nl" not in log


def test_mail_that_goes_through_logs_no_warning(caplog):
    with smtp_server() as (port, mails), mail_app(port).app_context(), caplog.at_level(logging.WARNING):
        assert mailer.send_many([("a@example.nl", "S", "body")]) == []
    assert [recipient for recipient, _ in mails] == ["a@example.nl"] and not mail_log(caplog)


# --- A 500 in the API answers JSON; elsewhere the error page --------------------------------


@pytest.fixture
def exploding_app():
    app = create_app({**BARE, "PROPAGATE_EXCEPTIONS": False})

    def explode():
        raise RuntimeError("internals")

    app.add_url_rule("/api/boom", "api.boom", explode)  # the endpoint makes request.blueprint "api"
    app.add_url_rule("/boom", "boom", explode)
    return app


def test_a_500_in_the_api_answers_json(exploding_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = exploding_app.test_client().get("/api/boom")
    assert response.status_code == 500 and response.is_json
    assert response.get_json() == {"error": "Internal Server Error", "status": 500}
    assert "internals" not in response.text
    assert any(record.exc_info and "internals" in str(record.exc_info[1]) for record in caplog.records)  # logged


def test_a_500_elsewhere_shows_the_error_page(exploding_app):
    response = exploding_app.test_client().get("/boom")
    assert response.status_code == 500 and response.mimetype == "text/html" and "internals" not in response.text


# --- Production logging ---------------------------------------------------------------------


@contextmanager
def unconfigured_logging():
    """The root logger as a fresh gunicorn worker has it: no handlers, level WARNING (inside the
    test, since pytest adds its capturing handlers to the root logger for each test call)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []
    root.setLevel(logging.WARNING)
    try:
        yield root
    finally:
        root.handlers = handlers
        root.setLevel(level)  # setLevel, not the attribute: it clears the loggers' level caches


def test_production_logs_info_to_stderr_without_client_addresses():
    with unconfigured_logging() as root:
        create_app({**BARE, "TESTING": False})
        (handler,) = root.handlers
        assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
        assert root.level == logging.INFO and handler.formatter._fmt == LOG_FORMAT
        handler.setStream(out := io.StringIO())
        logging.getLogger("werkzeug").info('203.0.113.7 - - [01/Dec/2026 10:00:00] "GET /s/abc HTTP/1.1" 200 -')
        logging.getLogger("app").info("started")
        create_app({**BARE, "TESTING": False})
        assert len(root.handlers) == 1  # a second app adds no second handler
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "203.0.113.7" not in out.getvalue()
    assert lines[0].endswith('INFO werkzeug: [01/Dec/2026 10:00:00] "GET /s/abc HTTP/1.1" 200 -')
    assert lines[1].endswith("INFO app: started")


@pytest.mark.parametrize("setting", [{"TESTING": True}, {"TESTING": False, "DEBUG": True}])
def test_debug_and_testing_leave_logging_alone(setting):
    with unconfigured_logging() as root:
        create_app({**BARE, **setting})
        assert root.handlers == [] and root.level == logging.WARNING


def test_a_logging_set_up_of_the_server_is_kept():
    with unconfigured_logging() as root:
        own = logging.NullHandler()
        root.addHandler(own)
        create_app({**BARE, "TESTING": False})
        assert root.handlers == [own]
