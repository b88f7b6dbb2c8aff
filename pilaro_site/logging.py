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
