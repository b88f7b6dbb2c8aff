"""No secret of a link's path reaches a log line: every such path is known, and every log
record, Django's own included, is redacted."""

from __future__ import annotations

import logging
import re
import secrets

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from common.secret_paths import HIDDEN, RedactSecretPaths, redact

# Named groups that hold a secret when they are part of a path.
SECRET_GROUPS = ("secret", "token", "key")
LINK_SECRET = secrets.token_urlsafe(32)
CONSENT_TOKEN = secrets.token_hex(20)
# One real address of each URL with a secret in it (reverse() checks it matches the pattern).
SAMPLES = {
    "selfservice:link": ({"secret": LINK_SECRET}, LINK_SECRET),
    "selfservice:one_click": ({"consent_id": 7, "token": CONSENT_TOKEN}, CONSENT_TOKEN),
    "selfservice:confirm": ({"consent_id": 7, "token": CONSENT_TOKEN}, CONSENT_TOKEN),
    "staff:enrolment_link": ({"token": LINK_SECRET}, LINK_SECRET),
}


def secret_url_names(patterns=None, prefix: str = "", namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        regex = prefix + str(pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= secret_url_names(pattern.url_patterns, regex, inner)
        elif isinstance(pattern, URLPattern) and any(
            f"(?P<{group}>" in regex for group in SECRET_GROUPS
        ):
            found.add(f"{namespace}{pattern.name}")
    return found


def test_every_url_with_a_secret_in_its_path_has_a_sample_here():
    assert secret_url_names() == set(SAMPLES)


def test_each_secret_path_is_redacted_and_keeps_the_page_it_names():
    for name, (kwargs, secret) in SAMPLES.items():
        path = reverse(name, kwargs=kwargs)
        line = f"Forbidden (CSRF cookie not set.): {path}"

        shown = redact(line)

        assert secret not in shown, name
        assert HIDDEN in shown and shown.endswith("/"), shown


def test_text_without_a_secret_path_is_left_alone():
    line = "GET /personvern/versjoner/ 200; /kontakt/lenke/abc"

    assert redact(line) == line


def record_through_the_site_s_handler(message: str, *args, exc_info=None) -> str:
    """A record as the site's own log handler (settings.LOGGING) writes it."""
    handler = next(h for h in logging.getLogger("django").handlers if h.get_name() == "stdout")
    record = logging.getLogger("django.request").makeRecord(
        "django.request", logging.WARNING, __file__, 1, message, args, exc_info
    )
    assert any(isinstance(f, RedactSecretPaths) for f in handler.filters)
    for f in handler.filters:
        f.filter(record)
    return handler.format(record)


def test_django_s_own_4xx_line_is_written_without_the_secret():
    path = reverse("selfservice:link", kwargs={"secret": LINK_SECRET})

    line = record_through_the_site_s_handler("Forbidden (%s): %s", "CSRF cookie not set.", path)

    assert LINK_SECRET not in line
    assert re.search(
        r"Forbidden \(CSRF cookie not set\.\): /personvern/.*/lenke/\[skjult\]/", line
    )


def test_a_traceback_that_quotes_the_path_is_redacted_too():
    path = reverse("selfservice:one_click", kwargs={"consent_id": 3, "token": CONSENT_TOKEN})
    try:
        raise ValueError(f"could not handle {path}")
    except ValueError:
        import sys

        line = record_through_the_site_s_handler(
            "Internal Server Error: %s", path, exc_info=sys.exc_info()
        )

    assert "ValueError: could not handle" in line
    assert CONSENT_TOKEN not in line
