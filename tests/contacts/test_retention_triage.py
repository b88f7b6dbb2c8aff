"""Retention follows what staff do as the notice declares: a withdrawal never extends it,
marking as spam only ever shortens it, and activity on spam does not lengthen it again."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from contacts.inbox import triage
from contacts.models import Consent, Enquiry
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def declared_periods(settings):
    settings.CONTACTS_RETENTION_DAYS = 365
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    settings.CONTACTS_SPAM_RETENTION_DAYS = 30


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def action(client, name: str, enquiry: Enquiry):
    # From the list of all enquiries: the default list shows only open ones, not spam.
    response = client.post(
        f"{ADMIN}?status=all", {"action": name, "_selected_action": [enquiry.pk]}
    )
    assert response.status_code == 302
    return response


def retention_of(enquiry: Enquiry) -> tuple[dt.datetime, dt.datetime]:
    enquiry.refresh_from_db()
    return enquiry.retain_until, enquiry.last_activity_at


def test_recording_a_withdrawal_leaves_the_retention_date_as_it_was(client, alice):
    enquiry = make_enquiry(marketing=True, received_at=timezone.now() - 100 * DAY)
    before = retention_of(enquiry)
    consent = Consent.objects.get(enquiry=enquiry, purpose="marketing")

    response = client.post(f"{ADMIN}samtykke/{consent.pk}/trekk-tilbake/", {"channel": "e-post"})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert retention_of(enquiry) == before


def test_marking_as_spam_keeps_it_the_spam_period_from_then(client, alice, frozen):
    enquiry = make_enquiry(received_at=NOW - 10 * DAY)
    assert enquiry.retain_until == NOW + 355 * DAY

    action(client, "mark_spam", enquiry)

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.retain_until) == ("spam", NOW + 30 * DAY)


def test_marking_as_spam_never_keeps_it_longer_than_before(client, alice, frozen):
    enquiry = make_enquiry(received_at=NOW - 720 * DAY, retain_until=NOW + 10 * DAY)

    action(client, "mark_spam", enquiry)

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.retain_until) == ("spam", NOW + 10 * DAY)


def test_spam_set_in_the_change_form_is_kept_the_spam_period(client, alice, frozen):
    enquiry = make_enquiry(received_at=NOW - 10 * DAY)
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["status"] = ["spam"]

    assert client.post(url, data).status_code == 302

    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.retain_until) == ("spam", NOW + 30 * DAY)


def test_activity_on_spam_does_not_keep_it_longer(client, alice):
    with time_machine.travel(NOW, tick=False):
        enquiry = make_enquiry(received_at=NOW - 10 * DAY)
        action(client, "mark_spam", enquiry)
    with time_machine.travel(NOW + 20 * DAY, tick=False):
        log_in_verified(client, alice)  # a session from before the travel has expired
        triage.add_note(enquiry=enquiry, author=alice, text="Sjekket: spam.")
        action(client, "assign_to_me", enquiry)
        action(client, "mark_spam", enquiry)

    enquiry.refresh_from_db()
    assert enquiry.retain_until == NOW + 30 * DAY


def test_an_enquiry_taken_out_of_spam_is_kept_as_any_other(client, alice):
    with time_machine.travel(NOW, tick=False):
        enquiry = make_enquiry(received_at=NOW - 10 * DAY)
        action(client, "mark_spam", enquiry)
    with time_machine.travel(NOW + DAY, tick=False):
        log_in_verified(client, alice)  # a session from before the travel has expired
        action(client, "mark_in_progress", enquiry)

    enquiry.refresh_from_db()
    assert enquiry.retain_until == NOW + DAY + 365 * DAY
