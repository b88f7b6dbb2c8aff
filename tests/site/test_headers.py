"""Production headers and cookies on every public page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

PAGES = [*PUBLIC_PAGES, "/healthz/"]
FORM_PAGES = {"/", "/kontakt/"}


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    return settings


def directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/personvern/", "/kontakt/"])
def test_every_security_header_is_set(client, production, url):
    response = client.get(url, secure=True)

    assert response.status_code == 200
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    hsts = response["Strict-Transport-Security"]
    assert re.match(r"max-age=\d{7,}", hsts) and "includeSubDomains" in hsts and "preload" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get("/personvern/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/personvern/"


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_gets_no_cookie_but_the_csrf_cookie_on_form_pages(client, production, url):
    response = client.get(url, secure=True)

    names = set(response.cookies)
    if url in FORM_PAGES:
        assert names == {"csrftoken"}
        cookie = response.cookies["csrftoken"]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    else:
        assert names == set()


def test_posting_the_form_sets_no_further_cookie(client, production, fresh_form):
    response = client.post("/kontakt/", fresh_form(), secure=True)

    assert response.status_code == 303
    assert set(response.cookies) <= {"csrftoken"}


def test_staff_get_a_secure_session_cookie_only_when_they_log_in(client, production):
    User.objects.create_user("alice", password="riktig-passord", is_staff=True)

    login_page = client.get("/intern/login/", secure=True)
    logged_in = client.post(
        "/intern/login/", {"username": "alice", "password": "riktig-passord"}, secure=True
    )

    assert "sessionid" not in login_page.cookies
    session = logged_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_the_admin_lives_under_its_configured_path_and_not_under_admin(client):
    assert client.get("/admin/").status_code == 404
    assert client.get("/intern/login/").status_code == 200
