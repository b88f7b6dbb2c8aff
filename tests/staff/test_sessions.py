"""Staff sessions end after STAFF_IDLE_MINUTES without a request and STAFF_SESSION_MAX_HOURS
after the login; logging out deletes the session on the server."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.conftest import log_in_verified
from tests.staff.conftest import INBOX, code, log_in_with_password, send_code

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def test_a_session_idle_too_long_ends_with_a_norwegian_message(client, alice):
    key = client.session.session_key
    with time_machine.travel(timezone.now() + 31 * MINUTE):
        response = client.get(INBOX)
        login_page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert response["Location"] == "/intern/login/?next=/intern/contacts/enquiry/"
    assert "Du er logget ut fordi du ikke har gjort noe på 30 minutter." in login_page
    assert not Session.objects.filter(session_key=key).exists()


def test_requests_keep_a_session_alive_until_its_maximum_age(client, alice, settings):
    settings.STAFF_SESSION_MAX_HOURS = 1
    start = timezone.now()
    statuses = []
    # 59, not 60: the login was a moment before `start`, and the clock counts whole seconds,
    # so "exactly an hour" after `start` can already be an hour and a second after the login.
    for minutes in (20, 40, 59, 80):
        with time_machine.travel(start + minutes * MINUTE):
            response = client.get(INBOX)
            statuses.append(response.status_code)

    assert statuses == [200, 200, 200, 302]
    with time_machine.travel(start + 80 * MINUTE):
        page = client.get(response["Location"]).content.decode()
    assert "en innlogging varer høyst 1 timer" in page


def test_the_limits_are_read_at_request_time(client, alice, settings):
    settings.STAFF_IDLE_MINUTES = 5
    with time_machine.travel(timezone.now() + 6 * MINUTE):
        assert client.get(INBOX).status_code == 302


def test_a_session_that_ended_elsewhere_than_the_admin_is_just_anonymous(client, alice):
    with time_machine.travel(timezone.now() + 31 * MINUTE):
        home = client.get("/")
        inbox = client.get(INBOX)

    assert home.status_code == 200
    assert inbox["Location"].startswith("/intern/login/")


def test_logging_out_deletes_the_session_so_its_cookie_opens_nothing(client, alice):
    key = client.session.session_key

    response = client.post("/intern/logout/", follow=True)
    client.cookies["sessionid"] = key  # the old cookie, kept by someone

    assert response.redirect_chain == [("/intern/login/", 302)]
    assert "Du er logget ut." in response.content.decode()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(INBOX)["Location"].startswith("/intern/login/")


def test_logging_out_before_the_second_factor_deletes_the_session_too(client, app):
    log_in_with_password(client, app.user)
    key = client.session.session_key

    response = client.post("/intern/sikkerhet/logg-ut/")

    assert response.status_code == 302 and response["Location"] == "/intern/login/"
    assert not Session.objects.filter(session_key=key).exists()


def test_a_login_starts_the_clock_again(client, app, settings):
    settings.STAFF_IDLE_MINUTES = 24 * 60  # only the maximum age here
    start = timezone.now()
    with time_machine.travel(start):
        log_in_verified(client, app.user)
    with time_machine.travel(start + 9 * 60 * MINUTE):
        client.post("/intern/logout/")
        log_in_with_password(client, app.user)
        send_code(client, code(app))
    with time_machine.travel(start + 11 * 60 * MINUTE):
        assert client.get(INBOX).status_code == 200  # 2 hours into the second login
