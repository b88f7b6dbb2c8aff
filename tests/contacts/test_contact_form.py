"""Posting the callback form: what is stored, what is refused, and what the visitor sees."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Consent, Enquiry, Notification
from tests.queued_jobs import queued

pytestmark = pytest.mark.django_db
# A day when version 1.0 is in force and 1.1 is already published, to take effect later:
# the form must name 1.0, not the newest file.
BEFORE_1_1 = dt.datetime(2026, 11, 15, 12, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture
def version_1_0_in_force(notice_dir):
    path = notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-12-01")
    return path


def test_the_form_stands_at_the_bottom_of_the_home_page_and_on_its_own_page(client):
    for url in ("/", "/kontakt/"):
        html = client.get(url).content.decode()
        assert 'action="/kontakt/"' in html
        assert 'name="consent_enquiry"' in html and 'name="consent_marketing"' in html
        # Never pre-ticked.
        assert "checked" not in html


@pytest.mark.time_machine(BEFORE_1_1)
def test_the_consent_label_links_the_notice_version_in_force(client, version_1_0_in_force):
    html = client.get("/kontakt/").content.decode()

    assert '<a href="/personvern/versjoner/1.0/">personvernerklæringen (versjon 1.0)</a>' in html
    assert "versjon 1.1" not in html


@pytest.mark.time_machine(BEFORE_1_1)
def test_a_valid_post_stores_one_enquiry_with_consent_evidence(
    client, fresh_form, settings, version_1_0_in_force, django_capture_on_commit_callbacks
):
    settings.CONTACTS_RETENTION_DAYS = 100
    settings.CONTACTS_RETENTION_MAX_DAYS = 200
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kontakt/", fresh_form(consent_marketing="on"))

    assert response.status_code == 303
    assert response["Location"] == "/kontakt/takk/"
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.company, enquiry.email, enquiry.phone) == (
        "Kari Nordmann",
        "Nordmann AS",
        "kari@example.no",
        "+4791234567",
    )
    assert enquiry.status == "ny"
    assert before <= enquiry.received_at <= timezone.now()
    assert enquiry.retain_until == enquiry.received_at + dt.timedelta(days=100)
    consents = {c.purpose: c for c in Consent.objects.filter(enquiry=enquiry)}
    assert consents["enquiry"].given and consents["marketing"].given
    assert consents["enquiry"].notice_version.version == "1.0"
    assert (
        consents["enquiry"].notice_version.sha256
        == hashlib.sha256(version_1_0_in_force.read_bytes()).hexdigest()
    )
    assert "personvernerklæringen (versjon 1.0)" in consents["enquiry"].label_text
    assert "<a" not in consents["enquiry"].label_text
    assert before <= consents["enquiry"].given_at <= timezone.now()
    # The staff e-mail is a job queued with it (sent by a worker: test_notifications.py).
    assert Notification.objects.get(enquiry=enquiry).state == "pending"
    assert [job.args for job in queued()] == [{"notification_id": enquiry.notification.pk}]
    assert mail.outbox == []


def test_marketing_consent_left_unticked_is_recorded_as_not_given(client, fresh_form):
    client.post("/kontakt/", fresh_form())

    marketing = Consent.objects.get(purpose="marketing")
    assert marketing.given is False
    assert marketing.label_text.startswith("Ja, Pilaro AS kan også sende meg informasjon")


def test_a_second_post_of_the_same_form_stores_nothing_more(client, fresh_form):
    data = fresh_form()

    first = client.post("/kontakt/", data)
    second = client.post("/kontakt/", data)

    assert first.status_code == second.status_code == 303
    assert Enquiry.objects.count() == 1
    assert Consent.objects.count() == 2
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_post_and_its_replay_each_take_one_transaction_without_a_savepoint(client, fresh_form):
    """A savepoint around the enquiry's row, for a replay to undo only that, was two round
    trips more on every post (docs/performance.md); a replay rolls back its transaction."""
    call_command("sync_notices")  # as each deploy does: the version in force is recorded
    data = fresh_form()

    with CaptureQueriesContext(connection) as first:
        stored = client.post("/kontakt/", data)
    with CaptureQueriesContext(connection) as second:
        replayed = client.post("/kontakt/", data)

    statements = [query["sql"].upper() for query in [*first, *second]]
    assert stored.status_code == replayed.status_code == 303
    assert [sql for sql in statements if "SAVEPOINT" in sql] == []
    assert (Enquiry.objects.count(), Consent.objects.count(), Notification.objects.count()) == (
        1,
        2,
        1,
    )


def test_the_thank_you_page_moves_focus_to_its_heading(client):
    html = client.get("/kontakt/takk/").content.decode()

    assert '<h1 id="takk-title" tabindex="-1" autofocus>' in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent_enquiry": None}, "consent_enquiry", "Vi trenger samtykket ditt"),
        ({"email": "kari@"}, "email", "Skriv inn en gyldig e-postadresse"),
        ({"phone": "12"}, "phone", "Skriv inn et gyldig telefonnummer"),
        ({"phone": "abc def"}, "phone", "Skriv inn et gyldig telefonnummer"),
        ({"name": ""}, "name", "Skriv inn navnet ditt."),
        ({"name": "K" * 101}, "name", "100 eller færre tegn"),
        ({"message": "x" * 2001}, "message", "2000 eller færre tegn"),
        ({"name": "Kari\x00"}, "name", "tegn som ikke er tillatt"),
        ({"message": "Hei\x00du"}, "message", "Null-tegn er ikke tillatt."),
        ({"message": "Hei\x07du"}, "message", "tegn som ikke er tillatt"),
        ({"name": "Kari\r\nBcc: alle@example.no"}, "name", "kan ikke inneholde linjeskift"),
        ({"email": "kari@example.no\nBcc: alle@example.no"}, "email", "gyldig e-postadresse"),
        ({"company": "Firma\x1b[31m"}, "company", "tegn som ikke er tillatt"),
    ],
)
def test_bad_input_gets_a_norwegian_error_by_the_field_and_nothing_is_stored(
    client, fresh_form, changes, field, message
):
    response = client.post("/kontakt/", fresh_form(**changes))

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', html)
    assert 'aria-invalid="true"' in html
    assert Enquiry.objects.count() == 0


def test_the_visitors_input_is_kept_and_focus_goes_to_the_first_error(client, fresh_form):
    html = client.post("/kontakt/", fresh_form(phone="12", consent_enquiry=None)).content.decode()

    assert 'value="Kari Nordmann"' in html
    assert "Ring meg gjerne etter klokka ti." in html
    phone_input = html[html.index('name="phone"') - 20 : html.index('id="id_phone"')]
    assert "autofocus" in phone_input
    assert html.count("autofocus") == 1


def test_a_tampered_token_is_a_400_with_a_fresh_form_and_the_input_kept(client, fresh_form):
    data = fresh_form()
    data["token"] = data["token"][:-3] + "abc"

    response = client.post("/kontakt/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Skjemaet kunne ikke leses" in html
    assert 'value="Kari Nordmann"' in html
    assert Enquiry.objects.count() == 0
    # The fresh token works.
    fresh = html.split('name="token" value="')[1].split('"')[0]
    assert client.post("/kontakt/", {**data, "token": fresh}).status_code == 303


def test_an_expired_form_is_reissued(client, fresh_form, settings):
    data = fresh_form()
    settings.CONTACTS_FORM_MAX_AGE_SECONDS = 60
    later = timezone.now() + dt.timedelta(minutes=5)

    import time_machine

    with time_machine.travel(later):
        response = client.post("/kontakt/", data)
        html = response.content.decode()
        fresh = re.search(r'name="token" value="([^"]+)"', html).group(1)
        again = client.post("/kontakt/", {**data, "token": fresh})

    assert response.status_code == 400
    assert "Skjemaet var for gammelt" in html
    assert 'value="Kari Nordmann"' in html
    assert again.status_code == 303
    assert Enquiry.objects.count() == 1


def test_the_log_never_carries_what_the_visitor_typed(client, fresh_form, caplog):
    with caplog.at_level(logging.DEBUG):
        client.post("/kontakt/", fresh_form())
        client.post("/kontakt/", fresh_form(phone="12"))

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Enquiry #" in logged
    for value in ("Kari", "Nordmann", "kari@example.no", "91234567", "912 34 567", "Ring meg"):
        assert value not in logged
