"""Email through SMTP when MAIL_SERVER is configured. Without it nothing is sent and the
caller shows the links to copy instead."""
import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_many(messages: list[tuple[str, str, str]]) -> list[str]:
    """Send plain-text emails (to, subject, body) over one connection. Returns the addresses
    that could not be mailed: all of them when the server is unreachable, none when no
    server is configured (then nothing is sent and the caller shows the links)."""
    if not mail_configured() or not messages:
        return []
    config = current_app.config
    failed = []
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for to, subject, body in messages:
                message = EmailMessage()
                message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], to, subject
                message.set_content(body)
                try:
                    smtp.send_message(message)
                except smtplib.SMTPException:
                    failed.append(to)
    except (OSError, smtplib.SMTPException):
        return [to for to, _, _ in messages]
    return failed
