"""Paths that carry a secret, and how every log shows them: the page, not the secret.

A self-service link ("Dine opplysninger"), a marketing consent's own links and a staff
user's enrolment link carry their secret in the path. Django logs `request.path` for
every 4xx and 5xx answer (a POST without the CSRF cookie is a 403), gunicorn's access and
error logs print it, and a log is kept longer and read by more people than the link
lives.

This list is the one place that knows them: the logging filter (`RedactSecretPaths`, on
every handler), gunicorn's logger (pilaro_site/gunicorn_logging.py) and nginx's access
log (deploy/nginx/site.conf.in, checked against this list by the proxy tests) redact with
it. tests/common/test_secret_paths.py finds every URL pattern with a secret or token in
its path and fails until it is listed here.
"""

from __future__ import annotations

import logging
import re
import traceback

HIDDEN = "[skjult]"

# Each: the text before the secret (kept), then the secret (one path segment, replaced).
# Not anchored: a log line quotes the path anywhere ("Forbidden (…): /personvern/…").
SECRET_PATHS = (
    re.compile(r"(/personvern/mine-opplysninger/lenke/)[^/\s?#'\"]+"),
    re.compile(r"(/personvern/mine-opplysninger/samtykke/[0-9]+/)[^/\s?#'\"]+"),
    # A staff user's enrolment link, under the admin path (DJANGO_ADMIN_PATH).
    re.compile(r"(/sikkerhet/registrering/)[^/\s?#'\"]+"),
)
# Text without any of these holds no secret path: most log lines, cheaply passed.
_MARKERS = ("/mine-opplysninger/", "/sikkerhet/registrering/")


def redact(text: str) -> str:
    """`text` with the secret of every secret path in it replaced by [skjult]."""
    if not any(marker in text for marker in _MARKERS):
        return text
    for pattern in SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{HIDDEN}", text)
    return text


class RedactSecretPaths(logging.Filter):
    """Every record, Django's own included, with its message and traceback redacted.

    The message is formatted here (its arguments can hold the path) and the traceback
    rendered here (an exception's text can quote it), so that nothing after this filter
    sees the secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
