"""A superuser resets another user's second factor (a lost phone): the devices and any
enrolment link go, the user's sessions end, the admin history records who did it; nobody
else can. The user then needs a new enrolment link."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from staff import enrolment, factors
from staff.models import AuthenticatorApp as TOTPDevice
from staff.models import EnrolmentLink
from staff.models import RecoveryCodes as StaticDevice
from tests.conftest import log_in_verified
from tests.staff.conftest import INBOX, NEED_LINK, log_in_with_password

pytestmark = pytest.mark.django_db
USERS = "/intern/auth/user/"


def reset(client, *users: User):
    return client.post(
        USERS, {"action": "reset_second_factor", "_selected_action": [u.pk for u in users]}
    )


@pytest.fixture
def boss(client) -> User:
    user = User.objects.create_superuser("sjef", password="pw")
    log_in_verified(client, user)
    return user


def test_a_superuser_resets_a_users_devices_and_ends_their_sessions(client, boss, app):
    factors.new_recovery_codes(app.user)
    old_link = enrolment.create(app.user)  # a link made earlier, never used
    karis_browser = Client()
    log_in_verified(karis_browser, app.user)
    karis_session = karis_browser.session.session_key

    response = reset(client, app.user)

    assert response.status_code == 302
    assert "Andre faktor nullstilt for 1 bruker(e)." in client.get(USERS).content.decode()
    assert not TOTPDevice.objects.filter(user=app.user).exists()
    assert not StaticDevice.objects.filter(user=app.user).exists()
    assert not Session.objects.filter(session_key=karis_session).exists()
    entry = LogEntry.objects.get(object_id=str(app.user.pk))
    assert entry.user == boss and "Andre faktor nullstilt" in entry.get_change_message()
    assert not EnrolmentLink.objects.filter(user=app.user).exists()
    # Kari's next login needs a new enrolment link: the old one no longer works.
    log_in_with_password(karis_browser, app.user)
    assert karis_browser.get(INBOX)["Location"] == NEED_LINK
    assert "Lenken virker ikke" in karis_browser.get(old_link).content.decode()
    assert karis_browser.get(INBOX)["Location"] == NEED_LINK


def test_a_superuser_cannot_reset_their_own(client, boss):
    own = TOTPDevice.objects.get(user=boss)  # made by log_in_verified

    response = reset(client, boss)

    assert response.status_code == 302
    assert "Din egen andre faktor" in client.get(USERS).content.decode()
    assert TOTPDevice.objects.filter(pk=own.pk).exists()
    assert client.get(INBOX).status_code == 200


def test_staff_who_may_change_users_but_are_not_superusers_do_not_get_the_action(client, app):
    from django.contrib.auth.models import Permission

    manager = User.objects.create_user("leder", is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    log_in_verified(client, manager)

    page = client.get(USERS).content.decode()
    response = reset(client, app.user)

    assert "reset_second_factor" not in page
    assert TOTPDevice.objects.filter(pk=app.pk).exists()
    assert response.status_code in (200, 302)


def test_the_device_admin_pages_of_django_otp_are_gone(client, boss):
    assert client.get("/intern/otp_totp/totpdevice/").status_code == 404
    assert client.get("/intern/otp_static/staticdevice/").status_code == 404
