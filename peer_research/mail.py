"""Optional outgoing e-mail: only when MAIL_SERVER is configured."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)

# A file sent with an e-mail: its name, its bytes and its content type ("application/pdf").
Attachment = tuple[str, bytes, str]


def mail_enabled() -> bool:
    """Tell whether an SMTP server is configured."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(*, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()) -> None:
    """Send a plain-text e-mail, with any attached files, through the configured SMTP server."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"] or config["MAIL_USERNAME"] or "peer-research@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    for filename, data, content_type in attachments:
        main, _slash, sub = content_type.partition("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=15) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def try_send_mail(
    *, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> bool:
    """Send an e-mail; on failure log it and return False (the caller still shows the link)."""
    try:
        send_mail(to=to, subject=subject, body=body, attachments=attachments)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send e-mail %r", subject)
        return False
    return True
