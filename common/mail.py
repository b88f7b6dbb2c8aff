"""E-mail from the site: one way to send, over a connection each thread keeps open.

`send` is how every e-mail goes out (staff notifications, self-service links, consent
confirmations, a lifted restriction). A worker sends them in bursts; opening a connection
to the mail server (TCP, EHLO, often STARTTLS and AUTH) costs more than the message, so
each thread keeps its connection for the next one, at most IDLE_SECONDS unused (a mail
server closes an idle one after a few minutes; RFC 5321 4.5.3.2.7). A kept connection the
server closed meanwhile is replaced once, before any message went over it.

Staff e-mails are built from text templates: counts and links, never personal data. Every
one ends with the same footer saying so, and links in it are absolute, on PILARO_SITE_URL
(common/urls.py). Its body is a Django template rendered without HTML escaping (it is
plain text), so that `&` in a link stays `&`.
"""

from __future__ import annotations

import contextlib
import functools
import smtplib
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries

FOOTER = "Av personvernhensyn står ingen personopplysninger i denne e-posten."


@functools.cache
def _engine() -> Engine:
    return Engine(
        dirs=settings.TEMPLATES[0]["DIRS"],
        app_dirs=True,
        autoescape=False,
        libraries=get_installed_libraries(),
    )


def render_text(template: str, context: Mapping[str, object]) -> str:
    """A text template rendered, without HTML escaping, trimmed at both ends."""
    text = _engine().get_template(template).render(Context(dict(context), autoescape=False))
    return text.strip()


def staff_message(template: str, context: Mapping[str, object]) -> str:
    """The body of a staff e-mail: the template, then the footer."""
    return f"{render_text(template, context)}\n\n{FOOTER}\n"


def send_staff_mail(
    *, subject: str, template: str, context: Mapping[str, object], to: Iterable[str]
) -> None:
    """Send one staff e-mail; raises what the mail backend raises (the caller's job
    records and retries it)."""
    send(subject, staff_message(template, context), to)


IDLE_SECONDS = 30


@dataclass
class _Kept:
    connection: BaseEmailBackend
    backend: str  # EMAIL_BACKEND when it was opened (a test may change the setting)
    used: float


_local = threading.local()


def _take() -> tuple[_Kept, bool]:
    """The thread's open connection, and whether it was kept from an earlier message."""
    kept: _Kept | None = getattr(_local, "kept", None)
    if kept and (
        time.monotonic() - kept.used > IDLE_SECONDS or kept.backend != settings.EMAIL_BACKEND
    ):
        close()
        kept = None
    if kept:
        return kept, True
    connection = get_connection(fail_silently=False)
    connection.open()
    kept = _Kept(connection, settings.EMAIL_BACKEND, time.monotonic())
    _local.kept = kept
    return kept, False


def close() -> None:
    """Close the thread's kept connection, if any."""
    kept: _Kept | None = getattr(_local, "kept", None)
    _local.kept = None
    if kept:
        with contextlib.suppress(Exception):  # closing a connection that already failed
            kept.connection.close()


def send(subject: str, body: str, to: Iterable[str]) -> None:
    """Send one plain-text e-mail from DEFAULT_FROM_EMAIL; raises what the mail backend
    raises, with the connection closed (the caller's job records and retries it)."""
    recipients = list(to)
    kept, reused = _take()
    try:
        kept.connection.send_messages([EmailMessage(subject, body, None, recipients)])
    except smtplib.SMTPServerDisconnected:
        close()
        if not reused:
            raise
        # The server closed the kept connection while it was idle: nothing went over it.
        kept, _ = _take()
        try:
            kept.connection.send_messages([EmailMessage(subject, body, None, recipients)])
        except Exception:
            close()
            raise
    except Exception:
        close()
        raise
    kept.used = time.monotonic()
