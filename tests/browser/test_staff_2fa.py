"""The staff login in Chromium against gunicorn with production settings: a passkey (on
Chromium's virtual authenticator) and an authenticator app enrolled at the first login,
through the enrolment link a superuser hands over, and used at the next; a recovery code
that works once; no enquiry before the second factor, and without a device and a link
nothing but the page that says to ask for one."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from staff import enrolment
from tests.browser.conftest import (
    STAFF_PASSWORD,
    database_url,
    log_in_with_password,
    staff_password_hash,
)
from tests.browser.test_accessibility import violations
from tests.contacts.factories import make_enquiry
from tests.servers import AppServer, free_port, site_env

NAME = "Ingrid Haugen"
NEED_LINK = "/intern/sikkerhet/mangler-lenke/"
ASK = "Be en administrator om en registreringslenke"


@pytest.fixture
def site(transactional_db, app_servers):
    """gunicorn on http://localhost (passkeys need a host name, not 127.0.0.1)."""

    def start() -> AppServer:
        port = free_port()
        env = site_env(
            DATABASE_URL=database_url(),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            PILARO_PASSKEY_ORIGINS=f"http://localhost:{port}",
        )
        return AppServer(env, workers=1, threads=4, port=port)

    return f"http://localhost:{app_servers('passkeys', start).port}"


@pytest.fixture
def enquiry(transactional_db):
    return make_enquiry(name=NAME)


def virtual_authenticator(page):
    """Chromium's virtual passkey authenticator (DevTools' WebAuthn domain), for this page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, authenticator["authenticatorId"]


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key shown on the page."""
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def log_out(page) -> None:
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_label("Brukernavn")).to_be_visible()


def test_a_passkey_enrolled_at_the_first_login_is_the_second_factor_at_the_next(
    site, new_page, saksbehandler_group, enquiry
):
    user = _make_staff(saksbehandler_group)
    page = new_page()
    cdp, authenticator = virtual_authenticator(page)

    log_in_with_password(page, site, user)
    expect(page).to_have_url(site + NEED_LINK)
    page.goto(site + enrolment.create(user))
    expect(page).to_have_url(site + "/intern/sikkerhet/")
    expect(page.get_by_role("heading", name="Sett opp andre faktor")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Legg til passnøkkel").click()
    expect(page.get_by_text("Vi viser dem bare nå.")).to_be_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert violations(page) == []
    page.get_by_role("link", name=re.compile("fortsett")).click()
    expect(page.get_by_role("link", name="Innlogging og sikkerhet")).to_be_visible()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    assert WebAuthnCredential.objects.filter(user=user).count() == 1

    log_out(page)
    log_in_with_password(page, site, user)
    expect(page).to_have_url(re.compile(r"/intern/sikkerhet/andre-faktor/"))
    expect(page.get_by_role("button", name="Bruk passnøkkel")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Bruk passnøkkel").click()
    expect(page).to_have_url(site + "/intern/")
    page.goto(site + "/intern/contacts/enquiry/")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    assert page.console.errors == []  # no CSP violation, nothing refused


def test_an_app_enrolled_without_javascript_then_a_recovery_code_works_once(
    site, new_page, saksbehandler_group, enquiry
):
    user = _make_staff(saksbehandler_group)
    page = new_page(javascript=False)
    link = enrolment.create(user)

    page.goto(site + link)  # before the login: the login form, with the secret left behind
    expect(page).to_have_url(site + "/intern/login/?next=/intern/sikkerhet/registrering/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page).to_have_url(site + "/intern/sikkerhet/")
    page.get_by_role("link", name="Legg til autentiseringsapp").click()
    secret = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Kode fra appen").fill(app_code(secret))
    page.get_by_role("button", name="Legg til").click()
    # all_inner_texts() does not wait for the page the click loads: the count does.
    expect(page.locator(".recovery-codes code")).to_have_count(10)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name=re.compile("fortsett")).click()
    log_out(page)

    # The next login, with the app's code (the next one: the last was used to enrol).
    log_in_with_password(page, site, user)
    page.get_by_label("Kode").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Bekreft").click()
    expect(page).to_have_url(site + "/intern/")
    log_out(page)

    for attempt in ("first", "again"):
        log_in_with_password(page, site, user)
        page.get_by_label("Kode").fill(codes[0])
        page.get_by_role("button", name="Bekreft").click()
        if attempt == "first":
            expect(page).to_have_url(site + "/intern/")
            log_out(page)
    expect(page.get_by_text("Koden stemmer ikke.")).to_be_visible()
    page.goto(site + "/intern/contacts/enquiry/")
    expect(page).to_have_url(re.compile(r"/intern/sikkerhet/andre-faktor/"))
    expect(page.get_by_text(NAME)).to_have_count(0)
    assert page.console.errors == []


def test_a_staff_user_without_a_device_cannot_open_the_enquiries(
    site, new_page, saksbehandler_group, enquiry
):
    user = _make_staff(saksbehandler_group)
    page = new_page()

    log_in_with_password(page, site, user)
    paths = (
        "/intern/contacts/enquiry/",
        f"/intern/contacts/enquiry/{enquiry.pk}/change/",
        "/intern/sikkerhet/",
        "/intern/sikkerhet/app/",
    )
    for path in paths:
        page.goto(site + path)
        expect(page).to_have_url(site + NEED_LINK)
        expect(page.get_by_role("heading", name=ASK)).to_be_visible()
        expect(page.get_by_text(NAME)).to_have_count(0)
    assert violations(page) == []
    # With the link, this session may set up a device.
    page.goto(site + enrolment.create(user))
    page.get_by_role("link", name="Legg til autentiseringsapp").click()
    expect(page.locator(".qr svg")).to_be_visible()
    assert violations(page) == []
    assert page.console.errors == []


def _make_staff(group):
    """A Saksbehandler with a password and nothing enrolled yet."""
    from django.contrib.auth.models import User

    user = User.objects.create(
        username="ny-ansatt",
        password=staff_password_hash(),
        is_staff=True,
    )
    user.groups.add(group)
    return user
