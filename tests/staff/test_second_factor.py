"""The second-factor page: after the password, an app's code or a recovery code (once)
opens the admin; refused codes are counted by django-axes apart from the password."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client

from staff import factors
from staff.models import AuthenticatorApp
from tests.staff.conftest import (
    INBOX,
    NEED_LINK,
    VERIFY,
    code,
    log_in_with_password,
    send_code,
    wrong_code,
)

pytestmark = pytest.mark.django_db


def test_after_the_password_every_admin_page_asks_for_the_second_factor(client, app):
    log_in_with_password(client, app.user)

    response = client.get(INBOX + "?status=ny")

    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Fintern%2Fcontacts%2Fenquiry%2F%3Fstatus%3Dny"
    page = client.get(response["Location"]).content.decode()
    assert "Bekreft at det er deg" in page and 'autocomplete="one-time-code"' in page


def test_the_apps_code_opens_the_admin_at_the_page_asked_for(client, app):
    log_in_with_password(client, app.user)

    response = send_code(client, code(app), next_url=INBOX)

    assert response.status_code == 302 and response["Location"] == INBOX
    assert client.get(INBOX).status_code == 200


def test_a_wrong_code_is_refused_in_norwegian_and_opens_nothing(client, app):
    log_in_with_password(client, app.user)

    response = send_code(client, wrong_code(app))

    assert response.status_code == 200
    assert "Koden stemmer ikke." in response.content.decode()
    assert client.get(INBOX)["Location"].startswith(VERIFY)


def test_a_recovery_code_works_once(client, app):
    codes = factors.new_recovery_codes(app.user)
    log_in_with_password(client, app.user)

    first = send_code(client, codes[0].upper())  # typed as the user likes
    client.post("/intern/logout/")
    log_in_with_password(client, app.user)
    again = send_code(client, codes[0])

    assert first.status_code == 302 and first["Location"] == "/intern/"
    assert again.status_code == 200 and "Koden stemmer ikke." in again.content.decode()
    assert factors.recovery_codes_left(app.user) == len(codes) - 1


def test_an_address_elsewhere_is_not_followed_after_the_code(client, app):
    log_in_with_password(client, app.user)

    response = send_code(client, code(app), next_url="https://angriper.example/")

    assert response["Location"] == "/intern/"


def test_a_user_without_a_device_is_told_to_ask_for_an_enrolment_link(client, kari):
    log_in_with_password(client, kari)

    inbox = client.get(INBOX)
    verify = client.get(VERIFY)

    assert inbox.status_code == 302 and inbox["Location"] == NEED_LINK
    assert verify["Location"] == NEED_LINK
    assert "Be en administrator om en registreringslenke" in client.get(NEED_LINK).content.decode()


def test_a_code_from_an_app_not_yet_confirmed_is_refused(client, app):
    unconfirmed = AuthenticatorApp.objects.create(user=app.user, name="Ny", confirmed=False)
    log_in_with_password(client, app.user)

    response = send_code(client, code(unconfirmed))

    assert response.status_code == 200 and "Koden stemmer ikke." in response.content.decode()
    assert client.get(INBOX)["Location"].startswith(VERIFY)


def test_an_unconfirmed_app_alone_is_no_second_factor(client, kari):
    unconfirmed = AuthenticatorApp.objects.create(user=kari, name="Ny", confirmed=False)
    log_in_with_password(client, kari)

    response = send_code(client, code(unconfirmed))

    assert response["Location"] == NEED_LINK
    assert not factors.has_second_factor(kari) and not factors.has_any_device(kari)
    assert client.get(INBOX)["Location"] == NEED_LINK


def test_refused_codes_lock_the_second_factor_for_the_cool_off_time_apart_from_the_password(
    client, app, settings
):
    limit = settings.AXES_FAILURE_LIMIT
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        log_in_with_password(client, app.user)
        refused = [send_code(client, wrong_code(app)).status_code for _ in range(limit)]
    # A minute on, django-otp's back-off has passed; the lockout has not.
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        right_but_locked = send_code(client, code(app))
        password_again = log_in_with_password(Client(), app.user)  # another browser
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)):
        after = send_code(client, code(app))

    assert refused == [200] * (limit - 1) + [429]
    assert right_but_locked.status_code == 429
    assert "Innloggingen er midlertidig sperret" in right_but_locked.content.decode()
    # The password's count is its own: the password still logs in (to this page again).
    assert password_again.status_code == 302
    assert after.status_code == 302 and after["Location"] == "/intern/"
    assert not AccessAttempt.objects.filter(username="kari (andre faktor)").exists()


def test_a_right_code_resets_the_count_of_refused_ones(client, app, settings):
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        log_in_with_password(client, app.user)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            send_code(client, wrong_code(app))
    # django-otp's back-off (2**failures seconds) has passed a minute later.
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        accepted = send_code(client, code(app))

    assert accepted.status_code == 302
    assert not AccessAttempt.objects.filter(username="kari (andre faktor)").exists()


def test_a_code_sent_right_after_a_refused_one_is_not_checked(client, app):
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        log_in_with_password(client, app.user)
        send_code(client, wrong_code(app))
        too_fast = send_code(client, code(app))

    assert too_fast.status_code == 200
    assert "Koden ble ikke sjekket" in too_fast.content.decode()


def test_the_second_factor_page_alone_allows_passkeys(client, app):
    log_in_with_password(client, app.user)

    verify = client.get(VERIFY)
    overview_of_another = client.get("/personvern/")

    assert "publickey-credentials-get=(self)" in verify["Permissions-Policy"]
    assert "camera=()" in verify["Permissions-Policy"]
    assert "publickey-credentials-get=()" in overview_of_another["Permissions-Policy"]
