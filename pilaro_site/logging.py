"""Logging helpers that keep personal data out of the logs."""

from __future__ import annotations

import logging
import traceback

from django.db import DatabaseError


class WithholdDatabaseErrorText(logging.Filter):
    """Log a database error's traceback and class, never its message.

    PostgreSQL's messages quote the failing row ("DETAIL: Failing row contains (…)"), and a
    row of an enquiry is a person's name, e-mail address and phone number.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], DatabaseError):
            exc_type, _, tb = record.exc_info
            frames = "".join(traceback.format_tb(tb))
            record.exc_text = (
                f"Traceback (most recent call last):\n{frames}"
                f"{exc_type.__module__}.{exc_type.__qualname__}: (text withheld: it can quote "
                "personal data)"
            )
            record.exc_info = None
        return True


class DisallowedHostLine(logging.Filter):
    """A request for a host the site does not serve is an event, not an error: one WARNING
    line naming the host (escaped, at most 60 characters), without Django's traceback.

    Anyone can send any Host header; a scanner sends thousands, and each would otherwise
    write a 15-line traceback with the header twice, however long it is.
    """

    MAX = 60

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        host = request.META.get("HTTP_HOST", "") if request is not None else ""
        shown = host[: self.MAX].encode("unicode_escape").decode("ascii")
        record.msg = "Refused a request for a host not in DJANGO_ALLOWED_HOSTS: %r%s"
        record.args = (shown, " (cut)" if len(host) > self.MAX else "")
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True
