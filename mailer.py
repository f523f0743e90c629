"""Email through SMTP when MAIL_SERVER is configured. Without it nothing is sent: personal
survey links are then unavailable (a leader never gets one to copy)."""

import re
import smtplib
from email.message import EmailMessage
from typing import NamedTuple

from flask import current_app

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: in a header
# a CR or LF would start a new header line, so the email library refuses them.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def single_line(text: str) -> str:
    """Text safe for a header (or a one-line mention in a body): control characters become
    one space."""
    return " ".join(CONTROL.sub(" ", text).split())


class Mail(NamedTuple):
    to: str
    subject: str
    text: str
    html: str | None = None  # an alternative to the text, for mail programs that show HTML
    reply_to: str | None = None  # whom a reply reaches (the leader who sent it)


def _body(text: str) -> str:
    # Line breaks are fine in a body; other control characters are not.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", text.replace("\r\n", "\n").replace("\r", "\n"))


def build(sender: str, mail: Mail) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = single_line(sender), single_line(mail.to)
    message["Subject"] = single_line(mail.subject)
    if mail.reply_to:
        message["Reply-To"] = single_line(mail.reply_to)
    message.set_content(_body(mail.text))
    if mail.html:
        message.add_alternative(_body(mail.html), subtype="html")
    return message


def send_many(messages: list[tuple]) -> list[str]:
    """Send emails (Mail, or (to, subject, text)) over one connection. Returns the addresses
    that could not be mailed: all of them when the server is unreachable, none when no
    server is configured (then nothing is sent). Never raises for a bad message or server:
    the caller records what failed in its outbox; what failed is logged here."""
    if not mail_configured() or not messages:
        return []
    config = current_app.config
    failed, tried = [], 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for mail in (Mail(*message) for message in messages):
                to = mail.to
                try:
                    smtp.send_message(build(config["MAIL_FROM"], mail))
                except smtplib.SMTPServerDisconnected:
                    raise  # the rest cannot go either
                except (smtplib.SMTPException, ValueError, UnicodeError) as error:
                    log_refused(error)
                    failed.append(to)
                tried += 1
    except (OSError, smtplib.SMTPException) as error:
        unsent = len(messages) - tried
        current_app.logger.warning(
            "Mail server %s:%s failed (%s); %d of %d emails not sent.",
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            describe(error),
            len(failed) + unsent,
            len(messages),
        )
        return failed + [message[0] for message in messages[tried:]]
    if failed:
        current_app.logger.warning("%d of %d emails not sent (refused by the mail server).", len(failed), len(messages))
    return failed


def describe(error: Exception) -> str:
    """The kind of failure and the SMTP reply code: never the server's reply text, which may
    quote the recipient, and never the message (its body can hold a personal link)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def log_refused(error: Exception) -> None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):  # its codes sit per recipient
        codes = sorted({code for code, _reply in error.recipients.values()})
        current_app.logger.warning("The mail server refused a recipient: SMTPRecipientsRefused %s", codes)
    else:
        current_app.logger.warning("The mail server refused an email: %s", describe(error))
