"""Typed readers for environment variables.

Each reader fails loudly with ImproperlyConfigured on a value it cannot read, so a
typo in a deployment ("ture", "10s") stops the start instead of silently becoming a
default. URL-shaped values (database, cache, e-mail) are parsed by django-environ.
"""

from __future__ import annotations

import os
import re

import environ
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import URLValidator, validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def _parse_url(name: str, parser, raw: str) -> dict:
    try:
        return parser(raw)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} is not a URL this site understands: {exc}") from None


# The databases this site runs on: PostgreSQL, and SQLite for `make run` only.
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}


def env_database(name: str, raw: str) -> dict:
    # Checked before parsing: django-environ would warn with the parsed URL (password
    # and all) and return an engine Django cannot load, which ends in a traceback.
    scheme = raw.split("://", 1)[0].strip().lower() if "://" in raw else ""
    if scheme not in DATABASE_SCHEMES:
        known = ", ".join(sorted(DATABASE_SCHEMES))
        shown = f"'{scheme}'" if scheme.isalnum() else "none"
        raise ImproperlyConfigured(f"{name} must start with one of {known}://; scheme {shown}.")
    return _parse_url(name, environ.Env.db_url_config, raw)


def env_cache(name: str, raw: str) -> dict:
    return _parse_url(name, environ.Env.cache_url_config, raw)


def env_email(name: str, raw: str) -> dict:
    return _parse_url(name, environ.Env.email_url_config, raw)


_TEL = re.compile(r"^tel:\+[0-9][0-9().-]*[0-9]$")


def _is_contact_uri(value: str) -> bool:
    """mailto:address, https://... or tel:+47..., the URIs RFC 9116 names for Contact."""
    if value.startswith("mailto:"):
        try:
            validate_email(value.removeprefix("mailto:"))
        except ValidationError:
            return False
        return True
    if value.startswith("https://"):
        try:
            URLValidator(schemes=["https"])(value)
        except ValidationError:
            return False
        return True
    return bool(_TEL.match(value))


def env_fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (cryptography's: 32 url-safe base64 bytes), the first
    the one that encrypts; each checked."""
    from cryptography.fernet import Fernet

    keys = env_list(name)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be Fernet keys, comma-separated (key {position} is not one); "
                "generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            ) from None
    return keys


def env_contact_uris(name: str) -> list[str]:
    """Comma-separated contact URIs (mailto:, https:, tel:), each checked."""
    values = env_list(name)
    for value in values:
        if not _is_contact_uri(value):
            raise ImproperlyConfigured(
                f"{name} must be mailto:, https:// or tel:+ addresses, comma-separated "
                f"(for example mailto:security@pilaro.no); got {value!r}."
            )
    return values
