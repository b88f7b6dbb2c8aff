from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from contacts.models import Enquiry
from tests.conftest import log_in_verified


@pytest.mark.django_db
def test_demo_is_refused_unless_debug_is_on(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="development only"):
        call_command("demo")
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_demo_makes_a_saksbehandler_and_enquiries_in_every_status(settings, client):
    settings.DEBUG = True

    call_command("demo", verbosity=0)
    call_command("demo", verbosity=0)  # twice: the same inbox, not twice as many

    assert Enquiry.objects.count() == 36
    assert set(Enquiry.objects.values_list("status", flat=True)) == {
        "ny",
        "under_behandling",
        "besvart",
        "lukket",
        "spam",
        "karantene",
    }
    assert all(e.endswith("@example.no") for e in Enquiry.objects.values_list("email", flat=True))
    # Spam is kept the spam period from when it came in (marked at once), not a year.
    for spam in Enquiry.objects.filter(status="spam"):
        assert spam.retain_until <= spam.received_at + dt.timedelta(days=30)
    user = User.objects.get(username="saksbehandler")
    assert user.check_password("demo-saksbehandler")
    log_in_verified(client, user)
    assert client.get("/intern/contacts/enquiry/").status_code == 200


@pytest.mark.django_db
def test_demo_prints_an_enrolment_link_that_sets_up_the_demo_users_second_factor(
    settings, client, monkeypatch
):
    from staff.models import AuthenticatorApp
    from tests.staff.conftest import code

    settings.DEBUG = True
    monkeypatch.setenv("RUN_ADDR", "127.0.0.1:8123")
    out = io.StringIO()

    call_command("demo", count=1, stdout=out)
    link = out.getvalue().split("enrolment link", 1)[1].split("http://127.0.0.1:8123", 1)[1]
    link = link.split()[0]
    client.post("/intern/login/", {"username": "saksbehandler", "password": "demo-saksbehandler"})
    client.get(link)
    client.get("/intern/sikkerhet/app/")
    app = AuthenticatorApp.objects.get(user__username="saksbehandler")
    client.post("/intern/sikkerhet/app/", {"code": code(app)})
    inbox = client.get("/intern/contacts/enquiry/")
    again = io.StringIO()
    call_command("demo", count=1, stdout=again)

    assert link.startswith("/intern/sikkerhet/registrering/")
    assert inbox.status_code == 200
    assert "enrolment link" not in again.getvalue()  # the demo user has a second factor now


@pytest.mark.django_db
def test_demo_prints_the_admin_on_the_address_the_server_runs_on(settings, monkeypatch):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8000"
    monkeypatch.setenv("RUN_ADDR", "127.0.0.1:8123")
    out = io.StringIO()

    call_command("demo", count=1, stdout=out)

    assert "Log in at http://127.0.0.1:8123/intern/ as saksbehandler" in out.getvalue()
