"""The CSRF token for each reader of a shared page, as Django's `get_token` makes it, with
the random characters drawn in one call to the system's random source.

Why: Django draws every character of the secret and of the mask with `secrets.choice`,
one system call each: 64 calls for a new visitor, about a third of the cost of serving
the home page from memory (profiled). The token is the same: a secret of
CSRF_SECRET_LENGTH characters (kept in the visitor's cookie, made for a new visitor) and a
fresh mask for every response (Django's defence against BREACH), both uniform over
CSRF_ALLOWED_CHARS; CsrfViewMiddleware checks it as any token of its own.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: i for i, char in enumerate(_CHARS)}
# Bytes at or above this would make some characters likelier than others: drawn again.
_UNBIASED = 256 - 256 % len(_CHARS)


def random_chars(length: int) -> str:
    """`length` characters drawn uniformly from CSRF_ALLOWED_CHARS."""
    chosen: list[str] = []
    while len(chosen) < length:
        chosen += [_CHARS[b % len(_CHARS)] for b in os.urandom(2 * length) if b < _UNBIASED]
    return "".join(chosen[:length])


def masked_token(request: HttpRequest) -> str:
    """Django's `get_token(request)`: the visitor's secret (a new one for a new visitor)
    under a fresh mask, and the CSRF cookie flagged to be sent."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_chars(CSRF_SECRET_LENGTH)
    cipher = "".join(
        _CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher
