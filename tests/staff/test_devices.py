"""A staff user's own devices: enrolling an authenticator app (first login, through the
enrolment link, or later), recovery codes shown once, removing any device but the last, and
no enrolling of one's own device with the password alone once a device exists."""

from __future__ import annotations

import re

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from staff import factors
from staff.models import AuthenticatorApp as TOTPDevice
from staff.models import RecoveryCodes as StaticDevice
from tests.conftest import log_in_verified
from tests.staff.conftest import (
    INBOX,
    OVERVIEW,
    VERIFY,
    code,
    log_in_with_password,
    open_enrolment_link,
)

pytestmark = pytest.mark.django_db
APP = "/intern/sikkerhet/app/"
CODES = "/intern/sikkerhet/gjenopprettingskoder/"


def shown_codes(html: str) -> list[str]:
    return re.findall(
        r"<li><code>([0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){3})</code></li>", html
    )


def passkey(user) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user, credential_id=b"id-" + str(user.pk).encode(), public_key=b"k", sign_count=0
    )


def test_first_login_enrols_an_app_shows_recovery_codes_once_and_opens_the_admin(client, kari):
    log_in_with_password(client, kari)
    open_enrolment_link(client, kari)
    page = client.get(APP).content.decode()
    device = TOTPDevice.objects.get(user=kari, confirmed=False)

    response = client.post(APP, {"code": code(device)})

    assert "<svg" in page and "QR-kode for autentiseringsappen" in page
    secret = re.search(r'id="totp-key"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert secret and "https://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    codes = shown_codes(response.content.decode())
    assert len(codes) == factors.RECOVERY_CODE_COUNT
    assert "Vi viser dem bare nå." in response.content.decode()
    assert client.get(INBOX).status_code == 200  # this session has passed with the new app
    assert shown_codes(client.get(OVERVIEW).content.decode()) == []  # never shown again
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_does_not_enrol_the_app(client, kari):
    log_in_with_password(client, kari)
    open_enrolment_link(client, kari)
    client.get(APP)

    response = client.post(APP, {"code": "12345"})

    assert "Koden stemmer ikke." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=kari, confirmed=True).exists()
    assert client.get(INBOX)["Location"] == OVERVIEW


def test_with_a_device_the_password_alone_cannot_enrol_another(client, app):
    log_in_with_password(client, app.user)

    pages = [client.get(OVERVIEW), client.get(APP), client.post(CODES)]
    passkey_start = client.post("/intern/sikkerhet/passnokkel/registrering/start/")

    assert all(p.status_code == 302 and p["Location"].startswith(VERIFY) for p in pages)
    assert passkey_start.status_code == 403
    assert "Bekreft at det er deg" in passkey_start.json()["detail"]
    assert TOTPDevice.objects.filter(user=app.user).count() == 1
    assert not StaticDevice.objects.filter(user=app.user).exists()


def test_new_recovery_codes_replace_the_old_ones(client, app):
    old = factors.new_recovery_codes(app.user)
    log_in_verified(client, app.user)

    new = shown_codes(client.post(CODES).content.decode())

    assert len(new) == factors.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert factors.recovery_codes_left(app.user) == factors.RECOVERY_CODE_COUNT


def test_the_last_device_cannot_be_removed(client, app):
    log_in_verified(client, app.user)

    page = client.get(OVERVIEW).content.decode()
    response = client.post(f"/intern/sikkerhet/fjern/app/{app.pk}/", follow=True)

    assert "Fjern</button>" not in page
    assert "Du kan ikke fjerne den siste" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=app.pk).exists()


def test_with_another_device_one_can_be_removed_and_the_session_stays_passed(client, app):
    key = passkey(app.user)
    log_in_verified(client, app.user)  # passed with the app

    response = client.post(f"/intern/sikkerhet/fjern/app/{app.pk}/", follow=True)

    assert "Autentiseringsappen er fjernet." in response.content.decode()
    assert not TOTPDevice.objects.filter(pk=app.pk).exists()
    assert client.get(INBOX).status_code == 200
    refused = client.post(f"/intern/sikkerhet/fjern/passnokkel/{key.pk}/", follow=True)
    assert "Du kan ikke fjerne den siste" in refused.content.decode()


def test_nobody_removes_another_users_device(client, app, django_user_model):
    other = django_user_model.objects.create_user("ola", is_staff=True)
    theirs = TOTPDevice.objects.create(user=other, name="x")
    TOTPDevice.objects.create(user=other, name="y")
    log_in_verified(client, app.user)

    response = client.post(f"/intern/sikkerhet/fjern/app/{theirs.pk}/")

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_the_overview_lists_the_devices_in_norwegian(client, app):
    passkey(app.user)
    factors.new_recovery_codes(app.user)
    log_in_verified(client, app.user)

    page = client.get(OVERVIEW).content.decode()

    assert "Innlogging og sikkerhet" in page
    assert "Passnøkler" in page and "Autentiseringsapper" in page
    assert f"Du har {factors.RECOVERY_CODE_COUNT} ubrukte koder." in page
    assert page.count("Fjern</button>") == 2
    assert "Innlogging og sikkerhet</a>" in client.get("/intern/").content.decode()
