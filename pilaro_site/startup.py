"""Fail fast, in one line, when the environment does not configure the site."""

from __future__ import annotations

import sys

from django.core.exceptions import ImproperlyConfigured


def require_valid_settings() -> None:
    """Import the settings now and turn a configuration error into one clear line.

    Without this, a missing secret key surfaces as a traceback deep inside Django at the
    first attribute access, which reads like a bug rather than a deployment mistake.
    """
    from django.conf import settings

    try:
        settings.SECRET_KEY  # noqa: B018 - the access imports and validates the settings
    except ImproperlyConfigured as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
