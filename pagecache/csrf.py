"""The CSRF token for each reader of a shared page, as Django's `get_token` makes it, with
the random characters drawn in one call to the system's random source.

Why: Django draws every character of the secret and of the mask with `secrets.choice`,
one system call each: 64 calls for a new visitor, about a third of the cost of serving
the home page from memory (profiled). Here one draw gives both, mapped to characters and
masked in C (bytes.translate, one dictionary lookup a character). The token is the same:
a secret of CSRF_SECRET_LENGTH characters (kept in the visitor's cookie, made for a new
visitor) and a fresh mask for every response (Django's defence against BREACH), both uniform over
CSRF_ALLOWED_CHARS; CsrfViewMiddleware checks it as any token of its own.
"""

from __future__ import annotations

import os
import time
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date

_CHARS = CSRF_ALLOWED_CHARS
# Bytes at or above this would make some characters likelier than others: dropped.
_UNBIASED = 256 - 256 % len(_CHARS)
# Random bytes become characters in one C call: each byte below _UNBIASED is mapped to
# CSRF_ALLOWED_CHARS[byte % 62], and the others are deleted.
_TO_CHAR = bytes(ord(_CHARS[b % len(_CHARS)]) if b < _UNBIASED else 0 for b in range(256))
_BIASED = bytes(range(_UNBIASED, 256))


def random_chars(length: int) -> str:
    """`length` characters drawn uniformly from CSRF_ALLOWED_CHARS."""
    drawn = b""
    while len(drawn) < length:  # 3 % of the bytes are dropped: almost never a second draw
        drawn += os.urandom(length + 8).translate(_TO_CHAR, _BIASED)
    return drawn[:length].decode("ascii")


# Each (secret character, mask character) pair's cipher character: one lookup a character.
_ADD = {
    (s, m): _CHARS[(i + j) % len(_CHARS)]
    for i, s in enumerate(_CHARS)
    for j, m in enumerate(_CHARS)
}


def masked_token(request: HttpRequest) -> str:
    """Django's `get_token(request)`: the visitor's secret (a new one for a new visitor)
    under a fresh mask, and the CSRF cookie flagged to be sent."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # a new visitor: secret and mask from one draw
        drawn = random_chars(2 * CSRF_SECRET_LENGTH)
        secret, mask = drawn[:CSRF_SECRET_LENGTH], drawn[CSRF_SECRET_LENGTH:]
        request.META["CSRF_COOKIE"] = secret
    else:
        mask = random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return mask + "".join(map(_ADD.__getitem__, zip(secret, mask, strict=True)))


_expires: tuple[int, str] = (0, "")


def _expires_at(now: float) -> str:
    """The cookie's expiry date (CSRF_COOKIE_AGE from now), made once a second."""
    global _expires
    second = int(now)
    if _expires[0] != second:
        _expires = (second, http_date(second + settings.CSRF_COOKIE_AGE))
    return _expires[1]


def cookie_header(secret: str, now: float | None = None) -> str:
    """The Set-Cookie value Django's CsrfViewMiddleware writes for `secret`, attribute for
    attribute (tests/site/test_csrf_tokens.py compares them), without its cookie objects."""
    parts = [f"{settings.CSRF_COOKIE_NAME}={secret}"]
    if settings.CSRF_COOKIE_DOMAIN:
        parts.append(f"Domain={settings.CSRF_COOKIE_DOMAIN}")
    if settings.CSRF_COOKIE_AGE is not None:
        expires = _expires_at(time.time() if now is None else now)
        parts.append(f"expires={expires}")
    if settings.CSRF_COOKIE_HTTPONLY:
        parts.append("HttpOnly")
    if settings.CSRF_COOKIE_AGE is not None:
        parts.append(f"Max-Age={settings.CSRF_COOKIE_AGE}")
    parts.append(f"Path={settings.CSRF_COOKIE_PATH}")
    if settings.CSRF_COOKIE_SAMESITE:
        parts.append(f"SameSite={settings.CSRF_COOKIE_SAMESITE}")
    if settings.CSRF_COOKIE_SECURE:
        parts.append("Secure")
    return "; ".join(parts)


def _attributes() -> dict[str, object]:
    """The cookie's attributes as Django gives them (max-age and expires are what
    readers of response.cookies look at; the header is cookie_header's)."""
    attributes = {
        "path": settings.CSRF_COOKIE_PATH,
        "secure": settings.CSRF_COOKIE_SECURE or "",
        "httponly": settings.CSRF_COOKIE_HTTPONLY or "",
        "samesite": settings.CSRF_COOKIE_SAMESITE or "",
        "domain": settings.CSRF_COOKIE_DOMAIN or "",
    }
    if settings.CSRF_COOKIE_AGE is not None:
        attributes["max-age"] = settings.CSRF_COOKIE_AGE
        attributes["expires"] = _expires_at(time.time())
    return attributes


class _WrittenMorsel(Morsel):
    """A cookie whose Set-Cookie value is written already (cookie_header): the response's
    cookies hold it as Django's do, so a client or middleware reading them sees it."""

    written = ""

    def OutputString(self, attrs=None) -> str:
        return self.written


def set_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """CsrfViewMiddleware.process_response for a page from memory: the reader's CSRF
    cookie when their token was made, and `Vary: Cookie`. A third of the cost of serving
    the home page went to Django's cookie objects (profiled), for one fixed-form header."""
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        secret = request.META["CSRF_COOKIE"]
        morsel = _WrittenMorsel()
        morsel.set(settings.CSRF_COOKIE_NAME, secret, secret)
        morsel.update(_attributes())
        morsel.written = cookie_header(secret)
        response.cookies[settings.CSRF_COOKIE_NAME] = morsel
        patch_vary_headers(response, ("Cookie",))
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    return response
