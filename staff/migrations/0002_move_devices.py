"""Move the second factors out of django-otp's plugin tables, where they are readable, into
staff's: authenticator-app keys encrypted with PILARO_FIELD_KEY, recovery codes hashed.

Backwards, apps go back with their keys decrypted; recovery codes cannot (only their hashes
exist), so their sets are removed and users make new ones.
"""

from django.db import migrations

from staff import crypto

TOTP_FIELDS = ("step", "t0", "digits", "tolerance", "drift", "last_t")
DEVICE_FIELDS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)


def _copy(old, new_model, **extra):
    fields = {name: getattr(old, name) for name in DEVICE_FIELDS}
    new = new_model.objects.create(**fields, **extra)
    # created_at is auto_now_add: kept from the old row by an update.
    new_model.objects.filter(pk=new.pk).update(created_at=old.created_at)
    return new


def forwards(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticDevice = apps.get_model("otp_static", "StaticDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    AuthenticatorApp = apps.get_model("staff", "AuthenticatorApp")
    RecoveryCodes = apps.get_model("staff", "RecoveryCodes")
    RecoveryCode = apps.get_model("staff", "RecoveryCode")
    for old in TOTPDevice.objects.all():
        totp = {name: getattr(old, name) for name in TOTP_FIELDS}
        _copy(old, AuthenticatorApp, encrypted_key=crypto.encrypt(old.key), **totp)
    TOTPDevice.objects.all().delete()
    for old in StaticDevice.objects.all():
        new = _copy(old, RecoveryCodes)
        tokens = StaticToken.objects.filter(device_id=old.pk)
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=new, hashed=crypto.hash_code(t.token)) for t in tokens
        )
    StaticDevice.objects.all().delete()


def backwards(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    AuthenticatorApp = apps.get_model("staff", "AuthenticatorApp")
    RecoveryCodes = apps.get_model("staff", "RecoveryCodes")
    for new in AuthenticatorApp.objects.all():
        totp = {name: getattr(new, name) for name in TOTP_FIELDS}
        _copy(new, TOTPDevice, key=crypto.decrypt(new.encrypted_key), **totp)
    AuthenticatorApp.objects.all().delete()
    RecoveryCodes.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
