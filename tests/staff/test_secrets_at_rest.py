"""No second-factor secret is readable in the database: authenticator-app keys are
encrypted with PILARO_FIELD_KEY, recovery codes stored as salted hashes (80-bit codes, each
working once); the key can be rotated and the old one dropped; the data migration moved the
plugins' plain rows."""

from __future__ import annotations

import io
import re
from importlib import import_module

import pytest
from cryptography.fernet import Fernet
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import crypto, factors
from staff.models import AuthenticatorApp, RecoveryCodes
from tests.staff.conftest import code, log_in_with_password, send_code

pytestmark = pytest.mark.django_db
move_devices = import_module("staff.migrations.0002_move_devices")


def raw_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_the_database_holds_no_app_key_or_recovery_code_in_readable_form(app):
    codes = factors.new_recovery_codes(app.user)
    key = app.key

    [(stored_key,)] = raw_rows("SELECT encrypted_key FROM staff_authenticatorapp")
    stored_codes = [row[0] for row in raw_rows("SELECT hashed FROM staff_recoverycode")]
    rows = raw_rows("SELECT * FROM staff_authenticatorapp")
    dump = " ".join(str(column) for row in rows for column in row)
    dump += " ".join(stored_codes)

    assert key not in dump and key.upper() not in dump and crypto.decrypt(stored_key) == key
    assert len(stored_codes) == factors.RECOVERY_CODE_COUNT
    for shown in codes:
        bare = shown.replace("-", "")
        assert shown not in dump and bare not in dump and bare.lower() not in dump
    assert all(re.fullmatch(r"sha256\$[0-9a-f]{32}\$[0-9a-f]{64}", h) for h in stored_codes)
    assert len(set(stored_codes)) == len(stored_codes)
    assert raw_rows("SELECT count(*) FROM otp_totp_totpdevice") == [(0,)]
    assert raw_rows("SELECT count(*) FROM otp_static_statictoken") == [(0,)]


def test_recovery_codes_have_80_bits_and_are_read_as_people_type_them():
    codes = {crypto.new_recovery_code() for _ in range(200)}
    shown = next(iter(codes))
    stored = crypto.hash_code(shown)

    assert len(codes) == 200
    assert all(re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", c) for c in codes)
    assert len(crypto.ALPHABET) ** crypto.CODE_LENGTH >= 2**80
    for typed in (shown, shown.lower(), shown.replace("-", ""), shown.replace("-", " ")):
        assert crypto.code_matches(typed, stored), typed
    assert not crypto.code_matches(shown[:-1] + ("0" if shown[-1] != "0" else "1"), stored)
    assert crypto.code_matches("0O1IL", crypto.hash_code("00111"))  # Crockford's look-alikes


def test_login_with_an_app_code_and_with_each_recovery_code_once(client, app):
    codes = factors.new_recovery_codes(app.user)
    log_in_with_password(client, app.user)
    by_app = send_code(client, code(app))
    client.post("/intern/logout/")

    outcomes = []
    for typed in (codes[3].replace("-", "").lower(), codes[3]):
        log_in_with_password(client, app.user)
        outcomes.append(send_code(client, typed).status_code)
        client.post("/intern/logout/")

    assert by_app.status_code == 302
    assert outcomes == [302, 200]
    assert factors.recovery_codes_left(app.user) == factors.RECOVERY_CODE_COUNT - 1


def test_the_rotation_command_re_encrypts_so_the_old_key_can_be_dropped(app, settings):
    old_key = settings.STAFF_FIELD_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = AuthenticatorApp.objects.get(pk=app.pk).encrypted_key
    key = app.key
    settings.STAFF_FIELD_KEYS = [new_key, old_key]

    out = io.StringIO()
    call_command("rotate_field_key", stdout=out)
    settings.STAFF_FIELD_KEYS = [new_key]  # the old key dropped
    after = AuthenticatorApp.objects.get(pk=app.pk)

    assert "1 authenticator-app key(s)" in out.getvalue()
    assert after.encrypted_key != before and after.key == key
    assert Fernet(new_key).decrypt(after.encrypted_key.encode()).decode() == key
    assert after.verify_token(code(after))


def test_the_rotation_command_stops_on_a_key_it_does_not_have(app, settings):
    before = AuthenticatorApp.objects.get(pk=app.pk).encrypted_key
    settings.STAFF_FIELD_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="not in PILARO_FIELD_KEY"):
        call_command("rotate_field_key", stdout=io.StringIO())
    assert AuthenticatorApp.objects.get(pk=app.pk).encrypted_key == before


def test_the_data_migration_encrypts_old_app_keys_and_hashes_old_recovery_codes(client, kari):
    old_app = TOTPDevice.objects.create(user=kari, name="Autentiseringsapp", drift=1)
    old_codes = StaticDevice.objects.create(user=kari, name="Gjenopprettingskoder")
    StaticToken.objects.create(device=old_codes, token="abcd2345")
    plain_key = old_app.key

    move_devices.forwards(django_apps, None)

    moved = AuthenticatorApp.objects.get(user=kari)
    assert (moved.key, moved.drift, moved.confirmed) == (plain_key, 1, True)
    assert plain_key not in moved.encrypted_key
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    [(hashed,)] = raw_rows("SELECT hashed FROM staff_recoverycode")
    assert "abcd2345" not in hashed.lower()
    log_in_with_password(client, kari)
    assert send_code(client, "ABCD2345").status_code == 302  # the old code, once
    assert not RecoveryCodes.objects.get(user=kari).codes.exists()

    move_devices.backwards(django_apps, None)

    assert TOTPDevice.objects.get(user=kari).key == plain_key
    assert not AuthenticatorApp.objects.exists() and not RecoveryCodes.objects.exists()


def test_a_key_given_to_an_app_is_stored_encrypted(kari):
    plain = "3132333435363738393031323334353637383930"  # RFC 6238's test key

    app = AuthenticatorApp.objects.create(user=kari, name="Importert", key=plain)

    [(stored,)] = raw_rows("SELECT encrypted_key FROM staff_authenticatorapp")
    assert plain not in stored and crypto.decrypt(stored) == plain
    assert AuthenticatorApp.objects.get(pk=app.pk).key == plain
