"""A staff user's second factors: passkeys, authenticator apps and recovery codes.

The models are our own django-otp devices (staff/models.py: apps with encrypted keys,
hashed recovery codes) and django-otp-webauthn's passkeys; this module holds our rules over
them: which count as a second factor (confirmed ones only: an app being set up counts for
nothing until its code is typed), how a typed code is checked (counted by django-axes like
a password), that nobody removes their own last one, and a superuser's reset.
"""

from __future__ import annotations

from enum import Enum

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from staff import crypto
from staff.models import AuthenticatorApp, EnrolmentLink, RecoveryCode, RecoveryCodes
from staff.sessions import end_sessions

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Gjenopprettingskoder"
APP_DEVICE_NAME = "Autentiseringsapp"
# The two kinds a user enrols and may remove, by the name their URLs use.
KINDS = {"passnokkel": WebAuthnCredential, "app": AuthenticatorApp}


class Outcome(Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    TOO_FAST = "too_fast"  # django-otp's back-off: the code was not even looked at
    LOCKED = "locked"  # django-axes: too many refused codes from this address


class LastSecondFactor(Exception):
    """Removing this would leave the user with no passkey and no authenticator app."""


class NoSecondFactor(Exception):
    """Recovery codes are a fallback for a (confirmed) passkey or app, not a factor alone."""


def passkeys(user: AbstractBaseUser):
    return WebAuthnCredential.objects.devices_for_user(user, confirmed=True).order_by("created_at")


def apps(user: AbstractBaseUser):
    return AuthenticatorApp.objects.devices_for_user(user, confirmed=True).order_by("created_at")


def second_factors(user: AbstractBaseUser) -> list[Device]:
    """What the user enrolled: passkeys and authenticator apps (recovery codes are a
    fallback for them, not a factor one can have alone)."""
    return [*passkeys(user), *apps(user)]


def has_second_factor(user: AbstractBaseUser) -> bool:
    return passkeys(user).exists() or apps(user).exists()


def has_any_device(user: AbstractBaseUser) -> bool:
    """Anything that can pass the second factor, recovery codes included: a user with one
    must pass it before changing their devices."""
    return user_has_device(user, confirmed=True)


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def lockout_credentials(user: AbstractBaseUser) -> dict[str, str]:
    """django-axes counts second-factor failures under a name of their own, apart from the
    password's: each has the full failure limit, and a success resets only its own."""
    return {"username": f"{user.get_username()} (andre faktor)"}


def check_code(request: HttpRequest, code: str) -> Outcome:
    """Check a typed code (authenticator app or recovery code) for request.user; on
    success the session has passed the second factor."""
    credentials = lockout_credentials(request.user)
    if AxesProxyHandler.is_locked(request, credentials):
        return Outcome.LOCKED
    device, too_fast = _match(request.user, code)
    if device is None:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return Outcome.LOCKED
        return Outcome.TOO_FAST if too_fast else Outcome.REFUSED
    passed(request, device)
    return Outcome.ACCEPTED


def passed(request: HttpRequest, device: Device) -> None:
    """The session has passed the second factor with `device`."""
    otp_login(request, device)
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(
        ip_address=request.axes_ip_address,
        username=lockout_credentials(request.user)["username"],
    )


def _match(user: AbstractBaseUser, code: str) -> tuple[Device | None, bool]:
    """The device that accepts `code`, and whether a device refused to look (back-off)."""
    code = "".join(code.split()).lower()
    if not code:
        return None, False
    # Six digits are an app's code, anything else a recovery code: a code is tried on one
    # kind only, so a typo does not lengthen the other kind's back-off.
    model = AuthenticatorApp if code.isdigit() and len(code) == 6 else RecoveryCodes
    too_fast = False
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            if not device.verify_is_allowed()[0]:
                too_fast = True
            elif device.verify_token(code):
                return device, False
    return None, too_fast


def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes with new ones; the only time they are shown (only
    their hashes are stored). Only for a user with a (confirmed) second factor."""
    if not has_second_factor(user):
        raise NoSecondFactor
    codes = [crypto.new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = RecoveryCodes.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, hashed=crypto.hash_code(c)) for c in codes
        )
    return codes


def has_recovery_codes(user: AbstractBaseUser) -> bool:
    return RecoveryCodes.objects.filter(user=user).exists()


def pending_app(user: AbstractBaseUser) -> AuthenticatorApp:
    """The authenticator app being set up: unconfirmed until the user types its code."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or AuthenticatorApp.objects.create(
        user=user, name=APP_DEVICE_NAME, confirmed=False
    )


def confirm_app(
    request: HttpRequest, device: AuthenticatorApp, code: str, claim=lambda: False
) -> bool:
    """Confirm the app being set up with a code from it. A session that has not passed the
    second factor (the first enrolment) must `claim()` its enrolment link as well (in the
    same transaction), and has then passed."""
    code = "".join(code.split())
    if not (code.isdigit() and device.verify_token(code)):
        return False
    if not request.user.is_verified() and not claim():
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if not request.user.is_verified():
        otp_login(request, device)
    return True


def remove(request: HttpRequest, device: Device) -> None:
    """Remove one of request.user's passkeys or apps, never the last one."""
    remaining = [
        d for d in second_factors(request.user) if d.persistent_id != device.persistent_id
    ]
    if not remaining:
        raise LastSecondFactor
    current = getattr(request.user, "otp_device", None)
    was_current = current is not None and current.persistent_id == device.persistent_id
    device.delete()
    if was_current:
        # The session passed with the device just removed; it stays passed (the user
        # proved a factor in this session), now on one that exists.
        otp_login(request, remaining[0])


def reset(user: AbstractBaseUser) -> int:
    """A superuser's reset: remove all of `user`'s devices and enrolment links and end their
    sessions, so that they enrol again, with a new link, at their next login. How many
    sessions were ended."""
    with transaction.atomic():
        for model in (
            WebAuthnCredential,
            AuthenticatorApp,
            RecoveryCodes,
            EnrolmentLink,
            TOTPDevice,  # the plugins' tables, empty since staff's migration 0002
            StaticDevice,
        ):
            model.objects.filter(user=user).delete()
    return end_sessions(user)
