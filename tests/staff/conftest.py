"""Staff users with and without a second factor, and the steps of a login."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import TOTP

from staff.models import AuthenticatorApp

PASSWORD = "et-langt-passord-1"
LOGIN = "/intern/login/"
VERIFY = "/intern/sikkerhet/andre-faktor/"
OVERVIEW = "/intern/sikkerhet/"
INBOX = "/intern/contacts/enquiry/"
ADDRESS = "192.0.2.10"


@pytest.fixture
def kari(db) -> User:
    """A Saksbehandler with a password and no second factor yet."""
    user = User.objects.create_user("kari", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    return user


@pytest.fixture
def app(kari) -> AuthenticatorApp:
    """Kari's authenticator app."""
    return AuthenticatorApp.objects.create(user=kari, name="Autentiseringsapp")


def code(device: AuthenticatorApp, *, steps_ahead: int = 0) -> str:
    """What the app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device: AuthenticatorApp) -> str:
    right = {code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def log_in_with_password(client, user: User, address: str = ADDRESS):
    return client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD, "next": "/intern/"},
        REMOTE_ADDR=address,
    )


def send_code(client, value: str, next_url: str = "/intern/", address: str = ADDRESS):
    return client.post(VERIFY, {"code": value, "next": next_url}, REMOTE_ADDR=address)


NEED_LINK = "/intern/sikkerhet/mangler-lenke/"


def open_enrolment_link(client, user, address: str = ADDRESS):
    """A superuser's link for `user`, opened in `client`'s browser; the response."""
    from staff import enrolment

    return client.get(enrolment.create(user), REMOTE_ADDR=address)
