"""Passkey pages without a browser: Norwegian strings for the library's JavaScript and
errors, scripts the CSP allows, options bound to the user and our domain."""

from __future__ import annotations

import json
import re
from pathlib import Path

import django_otp_webauthn
import pytest
from django.contrib.auth.models import User
from django_otp_webauthn.models import WebAuthnCredential

from staff.webauthn import CATALOG
from tests.conftest import log_in_verified
from tests.staff.conftest import (
    NEED_LINK,
    OVERVIEW,
    VERIFY,
    log_in_with_password,
    open_enrolment_link,
)

pytestmark = pytest.mark.django_db
PASSKEY = "/intern/sikkerhet/passnokkel/"


@pytest.fixture
def key(kari) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=kari, credential_id=b"kari-key", public_key=b"k", sign_count=0
    )


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


def test_the_javascript_strings_are_norwegian(client):
    script = client.get(PASSKEY + "jsi18n/").content.decode()

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.S).group(1))
    assert catalog["Verify with Passkey"] == "Bruk passnøkkel"
    assert catalog == CATALOG
    library = Path(django_otp_webauthn.__file__).parent / "static" / "django_otp_webauthn"
    used = set()
    for name in ("otp_webauthn_auth.js", "otp_webauthn_register.js"):
        used |= set(re.findall(r'gettext\("([^"]+)"\)', (library / name).read_text()))
    assert used and used <= set(CATALOG)  # every string the library shows


def test_the_second_factor_page_offers_the_passkey_with_scripts_the_csp_allows(client, key):
    log_in_with_password(client, key.user)

    html = client.get(VERIFY).content.decode()

    assert 'id="passkey-verification-button"' in html and "Bruk passnøkkel" in html
    tags = scripts(html)
    assert any("otp_webauthn_auth" in tag for tag in tags)
    # Only scripts from our own files, and the configuration as inert JSON: no inline code.
    assert all('src="/' in tag or 'type="application/json"' in tag for tag in tags), tags


def test_passkey_options_name_only_the_users_own_keys_and_our_domain(client, key, settings):
    log_in_with_password(client, key.user)

    options = client.post(PASSKEY + "bekreftelse/start/").json()

    assert options["rpId"] == settings.OTP_WEBAUTHN_RP_ID == "localhost"
    assert [c["id"] for c in options["allowCredentials"]] == ["a2FyaS1rZXk"]


def test_a_passkey_is_never_a_login_by_itself(client, key):
    response = client.post(PASSKEY + "bekreftelse/start/")

    assert response.status_code == 403
    assert response.json()["detail"] == "Logg inn med brukernavn og passord først."


def test_a_broken_passkey_answer_is_refused_in_norwegian(client, key):
    log_in_with_password(client, key.user)

    response = client.post(PASSKEY + "bekreftelse/fullfor/", {}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("Noe gikk galt underveis.")
    assert client.get(VERIFY).status_code == 200  # still not passed


def test_the_enrolment_page_offers_a_passkey_to_a_user_without_devices(client, kari):
    log_in_with_password(client, kari)
    open_enrolment_link(client, kari)

    html = client.get(OVERVIEW).content.decode()

    assert 'id="passkey-register-button"' in html and "Legg til passnøkkel" in html
    assert 'id="passkey-done" method="post"' in html  # recovery codes after the first
    assert all('src="/' in t or 'type="application/json"' in t for t in scripts(html))


def test_without_an_enrolment_link_no_passkey_can_be_registered(client, kari):
    log_in_with_password(client, kari)

    start = client.post(PASSKEY + "registrering/start/")
    complete = client.post(PASSKEY + "registrering/fullfor/", {}, content_type="application/json")

    for response in (start, complete):
        assert response.status_code == 403
        assert response.json()["code"] == "enrolment_link_required"
        assert "registreringslenke" in response.json()["detail"]
    assert client.get(OVERVIEW)["Location"] == NEED_LINK
    assert not WebAuthnCredential.objects.filter(user=kari).exists()


def test_with_the_link_the_passkey_registration_starts(client, kari):
    log_in_with_password(client, kari)
    open_enrolment_link(client, kari)

    start = client.post(PASSKEY + "registrering/start/")

    assert start.status_code == 200 and start.json()["rp"]["id"] == "localhost"


def test_the_pages_need_a_staff_login(client):
    anonymous = [client.get(OVERVIEW), client.get(VERIFY)]
    log_in_verified(client, User.objects.create_user("ikke-ansatt", password="x"))
    not_staff = [client.get(OVERVIEW), client.get(VERIFY)]

    for response in anonymous + not_staff:
        assert response["Location"].startswith("/intern/login/")
