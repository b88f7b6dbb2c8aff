"""Our own device models for django-otp, so that no second-factor secret is readable in the
database (the plugins' TOTPDevice and StaticToken keep theirs in plain text).

AuthenticatorApp is django-otp's TOTPDevice with one change: its key is stored encrypted
(`encrypted_key`, Fernet under PILARO_FIELD_KEY, staff/crypto.py) and `key` decrypts it in
memory when a code is checked or the app set up. Everything else is TOTPDevice's own code,
borrowed method by method (verify_token, bin_key, config_url, the throttle factor): the
drift handling, the once-per-time-step rule and django-otp's back-off stay the library's.
A subclass of TOTPDevice cannot do this (its plain `key` column would stay), nor can a
proxy model (same table).

RecoveryCodes is a device like django-otp's StaticDevice, with ThrottlingMixin's back-off,
whose codes (RecoveryCode) are salted SHA-256 hashes: a code that matches is deleted, so
each works once.

EnrolmentLink: a superuser's one-time link for a user's first device (staff/enrolment.py).
Only the SHA-256 of its secret is stored.

The data migration 0002 moved the plugins' rows here (keys encrypted, codes hashed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from staff import crypto


def new_encrypted_key() -> str:
    """A new authenticator-app key (20 random bytes, hex, as TOTPDevice's), encrypted."""
    return crypto.encrypt(random_hex(20))


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    encrypted_key = models.TextField(default=new_encrypted_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "autentiseringsapp"
        verbose_name_plural = "autentiseringsapper"

    @property
    def key(self) -> str:
        """The key, hex, decrypted (in memory only)."""
        return crypto.decrypt(self.encrypted_key)

    @key.setter
    def key(self, value: str) -> None:
        self.encrypted_key = crypto.encrypt(value)

    # TOTPDevice's own code, reading `key` above.
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """A user's set of one-time recovery codes (its `codes`)."""

    class Meta(Device.Meta):
        verbose_name = "gjenopprettingskoder"
        verbose_name_plural = "gjenopprettingskoder"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        if not self.verify_is_allowed()[0]:
            return False
        match = next((c for c in self.codes.all() if crypto.code_matches(token, c.hashed)), None)
        # Deleted, so it works once (the caller holds this device's row locked).
        if match is not None and RecoveryCode.objects.filter(pk=match.pk).delete()[0]:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, related_name="codes", on_delete=models.CASCADE)
    hashed = models.CharField(max_length=128)  # crypto.hash_code: sha256$salt$digest

    def __str__(self) -> str:
        return f"Gjenopprettingskode {self.pk}"


class EnrolmentLink(models.Model):
    """A one-time link for a user's first device; only its secret's SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "registreringslenke"
        verbose_name_plural = "registreringslenker"

    def __str__(self) -> str:
        return f"Registreringslenke {self.pk}"
