"""Headers, cookies and links of "Dine opplysninger": the site's security headers, no
caching of anything personal, a session cookie only once a link is used, and the page
linked from the notice, the thank-you page and the footer."""

from __future__ import annotations

import pytest

from tests.selfservice.conftest import BASE, ask_for_link, link_path, run_link_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    return settings


def test_the_request_page_has_the_site_headers_and_only_the_csrf_cookie(client, production):
    response = client.get(BASE, secure=True)

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert set(response.cookies) == {"csrftoken"}


def test_asking_for_a_link_sets_no_further_cookie(client, kari, production):
    response = ask_for_link(client, "kari@example.no")
    sent = client.get(response["Location"], secure=True)

    assert set(response.cookies) <= {"csrftoken"} and set(sent.cookies) == set()


def test_using_the_link_sets_a_secure_session_cookie(client, kari, mailoutbox, production):
    ask_for_link(client, "kari@example.no")
    run_link_jobs()
    path = link_path(mailoutbox[0])
    assert "sessionid" not in client.get(path, secure=True).cookies

    response = client.post(path, secure=True)

    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 15 * 60
    overview = client.get(BASE + "oversikt/", secure=True)
    assert "no-store" in overview["Cache-Control"] and "private" in overview["Cache-Control"]


@pytest.mark.parametrize("page", ["/personvern/", "/kontakt/takk/", "/", "/kontakt/"])
def test_the_page_is_linked_from_the_notice_the_thank_you_page_and_the_footer(client, page):
    html = client.get(page, secure=True).content.decode()

    assert f'<a href="{BASE}">Dine opplysninger</a>' in html
