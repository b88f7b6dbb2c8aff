"""The first device only through a superuser's one-time enrolment link: the password alone
reaches nothing but the page that says to ask for one; the link works once, for 24 hours,
for its own user, after the password; only its hash is stored; its secret is never logged."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.test import Client

from staff import enrolment
from staff.models import AuthenticatorApp, EnrolmentLink
from tests.conftest import log_in_verified
from tests.staff.conftest import (
    INBOX,
    LOGIN,
    NEED_LINK,
    OVERVIEW,
    PASSWORD,
    code,
    log_in_with_password,
    open_enrolment_link,
)

pytestmark = pytest.mark.django_db
APP = "/intern/sikkerhet/app/"
START = "/intern/sikkerhet/registrering/"
ASK = "Be en administrator om en registreringslenke"
INVALID = "Lenken virker ikke"


def enrol_app(client, user) -> int:
    """Set up an authenticator app in this session; the status of the confirming post."""
    client.get(APP)
    device = AuthenticatorApp.objects.get(user=user, confirmed=False)
    return client.post(APP, {"code": code(device)}).status_code


@pytest.fixture
def boss(client) -> User:
    user = User.objects.create_superuser("sjef", password="pw")
    log_in_verified(client, user)
    return user


def test_a_password_alone_reaches_only_the_ask_for_a_link_page(kari):
    client = Client()
    log_in_with_password(client, kari)
    pages = ["/intern/", INBOX, "/intern/auth/user/", "/intern/contacts/enquiry/1/change/"]
    setup = [OVERVIEW, APP, START, "/intern/sikkerhet/andre-faktor/"]

    for path in pages + setup:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == NEED_LINK, path
        assert ASK in response.content.decode(), path
    posts = [client.post(APP, {"code": "123456"}), client.post(OVERVIEW + "gjenopprettingskoder/")]
    passkey = client.post(OVERVIEW + "passnokkel/registrering/start/")

    assert all(p["Location"] == NEED_LINK for p in posts)
    assert passkey.status_code == 403 and passkey.json()["code"] == "enrolment_link_required"
    assert not AuthenticatorApp.objects.filter(user=kari).exists()


def test_the_link_lets_its_user_enrol_once_and_only_its_hash_is_stored(client, kari):
    path = enrolment.create(kari)
    token = path.rstrip("/").rsplit("/", 1)[1]
    log_in_with_password(client, kari)

    opened = client.get(path)
    enrolled = enrol_app(client, kari)
    again = Client()
    log_in_with_password(again, kari)
    reopened = again.get(path)

    assert len(token) >= 43  # 256 bits
    link = EnrolmentLink.objects.get(user=kari)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert link.used_at is not None
    assert opened.status_code == 302 and opened["Location"] == START
    assert enrolled == 200  # the recovery codes, and the session has passed
    assert client.get(INBOX).status_code == 200
    assert INVALID in reopened.content.decode() and reopened.status_code == 200
    assert again.get(INBOX)["Location"].startswith("/intern/sikkerhet/andre-faktor/")


def test_opened_before_the_login_the_link_waits_for_the_password(client, kari):
    path = enrolment.create(kari)

    opened = client.get(path)
    to_login = client.get(opened["Location"])
    logged_in = client.post(LOGIN + "?next=" + START, {"username": "kari", "password": PASSWORD})
    landing = client.get(logged_in["Location"])

    assert opened["Location"] == START
    assert to_login["Location"] == f"{LOGIN}?next={START}"  # the secret left behind
    assert landing["Location"] == OVERVIEW
    assert "Sett opp andre faktor" in client.get(OVERVIEW).content.decode()


def test_the_link_does_not_work_after_24_hours(client, kari):
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        path = enrolment.create(kari)
        log_in_with_password(client, kari)
    late = Client()
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1)):
        log_in_with_password(late, kari)
        expired = late.get(path)
        also_late = client.get(path)
        overview = late.get(OVERVIEW)

    assert INVALID in expired.content.decode()
    assert INVALID in also_late.content.decode()
    assert overview["Location"] == NEED_LINK


def test_a_link_opened_in_time_cannot_be_used_once_it_has_expired(client, kari, settings):
    settings.STAFF_SESSION_MAX_HOURS, settings.STAFF_IDLE_MINUTES = 48, 48 * 60
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        log_in_with_password(client, kari)
        open_enrolment_link(client, kari)
        client.get(APP)
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1)):
        device = AuthenticatorApp.objects.get(user=kari)
        confirm = client.post(APP, {"code": code(device)})

    assert confirm["Location"] == NEED_LINK
    assert not AuthenticatorApp.objects.filter(user=kari, confirmed=True).exists()


def test_the_link_does_not_work_for_another_user(client, kari):
    ola = User.objects.create_user("ola", password=PASSWORD, is_staff=True)
    path = enrolment.create(kari)
    log_in_with_password(client, ola)

    response = client.get(path)

    assert INVALID in response.content.decode()
    assert client.get(OVERVIEW)["Location"] == NEED_LINK
    # Opened before logging in as someone else: it does nothing for them either.
    anonymous = Client()
    anonymous.get(path)
    log_in_with_password(anonymous, ola)
    assert anonymous.get(START)["Location"] == NEED_LINK
    assert anonymous.get(APP)["Location"] == NEED_LINK


def test_a_new_link_replaces_the_unused_one(client, kari):
    first = enrolment.create(kari)
    enrolment.create(kari)
    log_in_with_password(client, kari)

    assert INVALID in client.get(first).content.decode()


def test_a_superuser_makes_the_link_on_the_users_page_and_sees_it_once(client, boss, kari):
    change = client.get(f"/intern/auth/user/{kari.pk}/change/").content.decode()

    response = client.post(f"/intern/auth/user/{kari.pk}/registreringslenke/")
    html = response.content.decode()
    link = html.split('id="enrolment-link">', 1)[1].split("<", 1)[0]
    karis = Client()
    log_in_with_password(karis, kari)
    karis.get(link.removeprefix("http://testserver"))

    assert "Lag registreringslenke" in change
    assert response.status_code == 200 and "Vi viser den bare nå." in html
    assert link.startswith("http://testserver/intern/sikkerhet/registrering/")
    assert enrol_app(karis, kari) == 200
    assert client.get(f"/intern/auth/user/{kari.pk}/change/").status_code == 200
    assert link not in client.get(f"/intern/auth/user/{kari.pk}/history/").content.decode()


def test_only_superusers_make_links_and_not_for_a_user_with_a_second_factor(client, boss, app):
    refused = client.post(f"/intern/auth/user/{app.user.pk}/registreringslenke/", follow=True)
    manager = User.objects.create_user("leder", is_staff=True)
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    other = Client()
    log_in_verified(other, manager)
    ola = User.objects.create_user("ola", is_staff=True)

    assert "har allerede en andre faktor" in refused.content.decode()
    assert other.post(f"/intern/auth/user/{ola.pk}/registreringslenke/").status_code == 403
    assert (
        "Lag registreringslenke"
        not in other.get(f"/intern/auth/user/{ola.pk}/change/").content.decode()
    )
    assert not EnrolmentLink.objects.exists()


def test_the_command_prints_a_link_for_the_first_superuser(client, settings):
    settings.SITE_URL = "https://pilaro.example"
    first = User.objects.create_superuser("forste", password=PASSWORD)
    out = io.StringIO()

    call_command("enrolment_link", "forste", stdout=out)
    link = out.getvalue().strip().splitlines()[-1]
    log_in_with_password(client, first)
    client.get(link.removeprefix("https://pilaro.example"))

    assert link.startswith("https://pilaro.example/intern/sikkerhet/registrering/")
    assert enrol_app(client, first) == 200
    with pytest.raises(CommandError, match="already has a second factor"):
        call_command("enrolment_link", "forste", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No user named"):
        call_command("enrolment_link", "ingen", stdout=io.StringIO())


def test_the_links_secret_is_never_logged(client, kari, caplog):
    caplog.set_level(logging.DEBUG)
    path = enrolment.create(kari)
    secret = path.rstrip("/").rsplit("/", 1)[1]

    client.get(path)  # before the login
    log_in_with_password(client, kari)
    client.get(path)
    enrol_app(client, kari)
    used = client.get(path)
    wrong = client.get(path[:-5] + "xxxx/")

    assert used.status_code == wrong.status_code == 200  # no 4xx, whose path Django logs
    assert caplog.records
    assert not [
        r for r in caplog.records if secret in r.getMessage() or secret[:20] in str(r.args)
    ]
