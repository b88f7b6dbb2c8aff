"""Staff e-mails from text templates: counts and links, never personal data.

Every staff e-mail ends with the same footer saying so, and links in it are absolute, on
PILARO_SITE_URL (common/urls.py). Its body is a Django template rendered without HTML
escaping (it is plain text), so that `&` in a link stays `&`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
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
    send_mail(subject, staff_message(template, context), None, list(to))
