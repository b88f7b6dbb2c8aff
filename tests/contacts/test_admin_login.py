"""Admin login throttling (django-axes): locked out per user and address, in Norwegian."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
LOGIN = "/intern/login/"


def login(client, password: str, address: str = "192.0.2.10"):
    return client.post(
        LOGIN, {"username": "alice", "password": password, "next": "/intern/"}, REMOTE_ADDR=address
    )


def test_after_the_configured_failures_even_the_right_password_is_refused_until_the_lockout_ends(
    client, settings
):
    User.objects.create_user("alice", password="riktig-passord", is_staff=True)
    start = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        failures = [login(client, "feil").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
        locked = login(client, "riktig-passord")
    with time_machine.travel(
        start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1), tick=False
    ):
        after = login(client, "riktig-passord")

    assert failures[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert locked.status_code == 429
    assert "Innloggingen er midlertidig sperret" in locked.content.decode()
    assert after.status_code == 302 and after["Location"] == "/intern/"


def test_the_lockout_is_per_address_too(client, settings):
    User.objects.create_user("alice", password="riktig-passord", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "feil", address="192.0.2.10")

    from_there = login(client, "riktig-passord", address="192.0.2.10")
    from_elsewhere = login(client, "riktig-passord", address="198.51.100.20")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302
