"""The CSRF tokens the page cache hands out are Django's own, made with fewer system calls."""

from __future__ import annotations

from collections import Counter

import pytest
import time_machine
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from pagecache.csrf import masked_token, random_chars, set_cookie


def test_a_new_visitor_gets_a_new_secret_and_a_token_that_unmasks_to_it():
    request = RequestFactory().get("/")

    token = masked_token(request)

    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
    assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_a_returning_visitor_keeps_their_secret_under_a_fresh_mask_each_time():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret = random_chars(CSRF_SECRET_LENGTH)

    first, second = masked_token(request), masked_token(request)

    assert first != second
    assert _unmask_cipher_token(first) == _unmask_cipher_token(second) == secret


def test_every_character_is_drawn_about_equally_often():
    counts = Counter(random_chars(62 * 1000))

    assert set(counts) == set(CSRF_ALLOWED_CHARS)
    # 1,000 expected each; a byte-modulo bias would give some characters 1,032 or more
    # on average, while chance alone stays well inside this band at this size.
    assert all(850 < n < 1150 for n in counts.values()), counts.most_common(3)


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"CSRF_COOKIE_SECURE": False, "CSRF_COOKIE_HTTPONLY": False},
        {"CSRF_COOKIE_DOMAIN": "pilaro.example", "CSRF_COOKIE_SAMESITE": "Strict"},
        {"CSRF_COOKIE_AGE": None, "CSRF_COOKIE_PATH": "/kontakt/"},
    ],
)
def test_the_cookie_of_a_page_from_memory_is_the_one_django_sets(settings, overrides):
    for name, value in overrides.items():
        setattr(settings, name, value)
    secret = random_chars(CSRF_SECRET_LENGTH)
    ours, django = RequestFactory().get("/"), RequestFactory().get("/")
    for request in (ours, django):
        request.META.update(CSRF_COOKIE=secret, CSRF_COOKIE_NEEDS_UPDATE=True)

    with time_machine.travel(1_800_000_000.4, tick=False):
        mine = set_cookie(ours, HttpResponse())
        theirs = CsrfViewMiddleware(lambda r: HttpResponse()).process_response(
            django, HttpResponse()
        )
        django_header = theirs.cookies[settings.CSRF_COOKIE_NAME].output(header="").strip()

    written = mine.cookies[settings.CSRF_COOKIE_NAME]
    assert written.output(header="").strip() == django_header  # what the WSGI handler sends
    assert written.value == secret
    assert dict(written) == dict(theirs.cookies[settings.CSRF_COOKIE_NAME])
    assert mine["Vary"] == theirs["Vary"] == "Cookie"
    assert ours.META["CSRF_COOKIE_NEEDS_UPDATE"] is False


def test_no_cookie_is_set_when_no_token_was_made():
    assert not set_cookie(RequestFactory().get("/"), HttpResponse()).cookies
