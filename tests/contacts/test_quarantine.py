"""The quarantine: a valid post sent faster than a person fills the
form is kept apart instead of thrown away, at most so many an hour; staff let it into the
inbox with "Slipp inn"; the nightly purge erases what nobody let in."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.calendar import callback_due
from contacts.inbox import triage
from contacts.intake import quarantine
from contacts.intake.shown import build_submission
from contacts.models import AuditEntry, Enquiry, ErasureRecord, Notification
from contacts.retention import erasure
from contacts.retention.rules import retention_date
from pilaro_site.models import RateCounter
from privacy.registry import get_registry
from tests.concurrency import run_at_once
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data
from tests.queued_jobs import queued

CHANGELIST = "/intern/contacts/enquiry/"
REASON = "Sendt 1 sekund etter at skjemaet ble vist (minst 3)"


@pytest.fixture
def fast(settings, fresh_form):
    """POST data for a form shown at `shown` (default now), and a way to post it
    `seconds` later; the minimum fill time is the default 3 s."""
    settings.CONTACTS_MIN_FILL_SECONDS = 3

    def form(shown: dt.datetime | None = None, **changes: str) -> tuple[dt.datetime, dict]:
        shown = shown or timezone.now()
        with time_machine.travel(shown, tick=False):
            return shown, fresh_form(**changes)

    return form


def post(client, shown: dt.datetime, data: dict, seconds: float = 1):
    with time_machine.travel(shown + dt.timedelta(seconds=seconds), tick=False):
        return client.post("/kontakt/", data)


def release(client, *enquiries: Enquiry, status: str = "karantene", at=None):
    """Staff on the change list (filtered to `status`) pick these and "Slipp inn"."""
    with time_machine.travel(at or timezone.now(), tick=False):
        return client.post(
            f"{CHANGELIST}?status={status}",
            {"action": "release_from_quarantine", "_selected_action": [e.pk for e in enquiries]},
            follow=True,
        )


def submission():
    return build_submission(
        notice=get_registry().in_force(),
        nonce=f"n-{timezone.now().timestamp()}-{id(object())}",
        name="Kari Nordmann",
        company="",
        email="kari@example.no",
        phone="+4791234567",
        message="",
    )


@pytest.mark.django_db
def test_an_autofilled_post_one_second_after_load_lands_in_quarantine(client, fast):
    shown, data = fast()

    response = post(client, shown, data, seconds=1)

    assert response.status_code == 303
    assert response["Location"] == "/kontakt/takk/"
    [held] = Enquiry.objects.all()
    assert held.status == "karantene"
    assert held.quarantine_reason == REASON
    assert held.received_at == shown + dt.timedelta(seconds=1)
    assert held.retain_until == held.received_at + dt.timedelta(days=14)
    assert held.callback_due_at is None
    assert held.name == "Kari Nordmann"  # kept as typed, to be let in as it came
    assert held.consents.get(purpose="enquiry").given is True
    # No staff e-mail: no notification, no job.
    assert not Notification.objects.exists()
    assert queued() == []


@pytest.mark.django_db
def test_staff_let_it_in_and_it_is_in_the_inbox_as_a_new_enquiry(client, fast, alice):
    shown, data = fast()
    post(client, shown, data, seconds=1)
    [held] = Enquiry.objects.all()
    assert "Kari Nordmann" not in client.get(CHANGELIST).content.decode()  # not in the inbox
    assert "Karantene (1)" in client.get(CHANGELIST).content.decode()
    assert "Kari Nordmann" in client.get(f"{CHANGELIST}?status=karantene").content.decode()
    later = shown + dt.timedelta(minutes=5)  # within the staff session's idle time

    response = release(client, held, at=later)

    assert "1 henvendelse(r) sluppet inn i innboksen." in response.content.decode()
    held.refresh_from_db()
    assert (held.status, held.quarantine_reason) == ("ny", "")
    assert held.last_activity_at == later
    assert held.retain_until == retention_date(held.received_at, later)
    assert held.retain_until > later + dt.timedelta(days=300)  # a normal enquiry's year
    assert held.callback_due_at == callback_due(later)  # the promise runs from the release
    inbox = client.get(CHANGELIST).content.decode()
    assert "Kari Nordmann" in inbox
    assert "Karantene (0)" in inbox
    [notification] = Notification.objects.all()
    assert notification.enquiry_id == held.pk
    assert [job.args for job in queued()] == [{"notification_id": notification.pk}]
    [entry] = AuditEntry.objects.filter(action="quarantine_released")
    assert (entry.actor, entry.enquiry_ids) == (alice, [held.pk])


@pytest.mark.django_db
def test_letting_in_leaves_the_others_alone_and_says_how_many(client, fast, alice):
    shown, data = fast()
    post(client, shown, data, seconds=1)
    held = Enquiry.objects.get()
    inbox = make_enquiry(status="under_behandling")
    before = Enquiry.objects.values().get(pk=inbox.pk)

    page = release(client, held, inbox, status="all").content.decode()

    assert "1 henvendelse(r) sluppet inn i innboksen." in page
    assert "1 av de valgte var ikke i karantene og ble ikke endret." in page
    assert Enquiry.objects.values().get(pk=inbox.pk) == before
    assert Notification.objects.filter(enquiry=inbox).count() == 1  # its own, from intake
    # Letting in twice: the second time it is not in quarantine.
    again = release(client, held, status="all").content.decode()
    assert "0 henvendelse(r) sluppet inn" in again
    assert Notification.objects.filter(enquiry=held).count() == 1


@pytest.mark.django_db
def test_the_hour_s_maximum_is_kept_and_the_next_one_discarded(client, fast, settings, caplog):
    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 3
    shown = timezone.now()
    forms = [fast(shown)[1] for _ in range(4)]

    with caplog.at_level(logging.INFO, logger="contacts"):
        statuses = [post(client, shown, data).status_code for data in forms]

    assert statuses == [303] * 4
    assert Enquiry.objects.filter(status="karantene").count() == 3
    [line] = [r.getMessage() for r in caplog.records if "quarantine full" in r.getMessage()]
    assert "Kari" not in line and "example.no" not in line
    # The inbox is not part of it: a person's post at their pace is stored.
    _, person = fast(shown)
    assert post(client, shown, person, seconds=10).status_code == 303
    assert Enquiry.objects.filter(status="ny").count() == 1
    # An hour on, there is room again.
    _, next_hour = fast(shown + dt.timedelta(hours=1, seconds=2))
    post(client, shown + dt.timedelta(hours=1, seconds=2), next_hour)
    assert Enquiry.objects.filter(status="karantene").count() == 4


@pytest.mark.django_db
def test_the_61st_quarantined_post_in_an_hour_is_discarded_at_the_default_60(
    client, fast, settings
):
    assert settings.CONTACTS_QUARANTINE_MAX_PER_HOUR == 60  # the default
    start = timezone.now()
    # Spread over the hour, each sent a second after it was shown.
    forms = [fast(start + dt.timedelta(seconds=n * 55)) for n in range(61)]

    for shown, data in forms:
        post(client, shown, data, seconds=1)

    assert Enquiry.objects.filter(status="karantene").count() == 60
    assert Enquiry.objects.count() == 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_never_take_more_than_the_hour_s_places(fast, settings):
    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 5
    shown = timezone.now()
    forms = [fast(shown)[1] for _ in range(16)]

    answers = []

    def poster(data):
        return lambda: answers.append(Client().post("/kontakt/", data).status_code)

    with time_machine.travel(shown + dt.timedelta(seconds=1), tick=False):
        raised = run_at_once(*(poster(data) for data in forms))

    assert raised == []
    assert answers == [303] * 16
    assert Enquiry.objects.filter(status="karantene").count() == Enquiry.objects.count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seconds", [1, 10], ids=["quarantine", "inbox"])
def test_the_first_posts_after_a_start_all_store_though_they_record_the_version_at_once(
    fast, settings, seconds
):
    # The notice version's row is recorded by the first post (no sync_notices here), in
    # its transaction: the other posts must not use it before it is committed.
    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 16
    shown = timezone.now()
    forms = [fast(shown)[1] for _ in range(16)]
    answers = []

    def poster(data):
        return lambda: answers.append(Client().post("/kontakt/", data).status_code)

    with time_machine.travel(shown + dt.timedelta(seconds=seconds), tick=False):
        raised = run_at_once(*(poster(data) for data in forms))

    assert (raised, answers) == ([], [303] * 16)
    assert Enquiry.objects.count() == 16


@pytest.mark.django_db
def test_a_replayed_post_stores_nothing_more(client, fast):
    shown, data = fast()
    post(client, shown, data)
    post(client, shown, data, seconds=2)
    assert Enquiry.objects.count() == 1

    erasure.erase_enquiries(ids=[Enquiry.objects.get().pk], reason="retention", actor=None)
    post(client, shown, data, seconds=3)  # after its erasure

    assert Enquiry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_form_held_once_is_held_once_even_posted_again_with_room_left(settings):
    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 5
    same = submission()

    first = quarantine.hold(submission=same, reason=REASON)
    again = quarantine.hold(submission=same, reason=REASON)

    assert first is not None and again is None
    assert Enquiry.objects.count() == 1


@pytest.mark.django_db
def test_an_invalid_fast_post_is_shown_its_errors_and_not_kept(client, fast):
    shown, data = fast(consent_enquiry=None, email="kari@")

    response = post(client, shown, data)

    assert response.status_code == 400
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_the_honeypot_still_discards_however_fast_or_slow(client, fast):
    shown, data = fast(website="https://spam.example")

    assert post(client, shown, data, seconds=1).status_code == 303
    assert post(client, shown, fast(shown, website="x")[1], seconds=60).status_code == 303
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_the_nightly_purge_erases_what_nobody_let_in_after_14_days(client, fast):
    shown, data = fast()
    post(client, shown, data)
    held = Enquiry.objects.get()

    assert erasure.purge_expired(now=held.received_at + dt.timedelta(days=13, hours=23)) == 0
    assert erasure.purge_expired(now=held.received_at + dt.timedelta(days=14)) == 1

    assert not Enquiry.objects.exists()
    assert ErasureRecord.objects.get().enquiry_id == held.pk


def change_form(client, enquiry: Enquiry, **changes: str):
    url = f"{CHANGELIST}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


@pytest.mark.django_db
def test_the_change_form_neither_puts_in_nor_lets_out_of_quarantine(client, alice):
    held = quarantine.hold(submission=submission(), reason=REASON)
    inbox = make_enquiry()

    into = change_form(client, inbox, status="karantene")
    out = change_form(client, held, status="ny")

    assert "Bare skjemaet legger henvendelser i karantene." in into.content.decode()
    assert "Slipp inn fra karantene" in out.content.decode()
    assert Enquiry.objects.get(pk=inbox.pk).status == "ny"
    assert Enquiry.objects.get(pk=held.pk).status == "karantene"
    # Marking it as spam is fine: it stays as short a time as it would have.
    assert change_form(client, held, status="spam").status_code == 302
    held.refresh_from_db()
    assert held.status == "spam"
    assert held.retain_until <= held.received_at + dt.timedelta(days=14)


@pytest.mark.django_db
def test_staff_activity_in_quarantine_keeps_its_short_retention(client, alice):
    held = quarantine.hold(submission=submission(), reason=REASON)
    short = held.retain_until

    triage.add_note(enquiry=held, author=alice, text="Ser ut som en ekte henvendelse.")
    triage.assign(ids=[held.pk], assignee=alice)
    change_form(client, held, company="Nordmann AS")

    held.refresh_from_db()
    assert (held.company, held.assignee, held.status) == ("Nordmann AS", alice, "karantene")
    assert held.retain_until == short


@pytest.mark.django_db
def test_a_fast_preview_post_says_it_would_go_to_quarantine_and_stores_nothing(
    client, alice, settings
):
    settings.CONTACTS_MIN_FILL_SECONDS = 3
    html = client.get("/personvern/versjoner/2.0/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    person = {"name": "Kari Nordmann", "email": "kari@example.no", "phone": "912 34 567"}

    response = client.post("/kontakt/forhandsvisning/2.0/", {**person, "token": token})

    assert response.status_code == 200
    assert "Det ville blitt lagt i karantene" in response.content.decode()
    assert "etter at skjemaet ble vist (minst 3)" in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_only_slipp_inn_takes_an_enquiry_out_of_quarantine_but_it_can_be_marked_spam():
    held = quarantine.hold(submission=submission(), reason="Sendt etter 1 sekund")

    moved = triage.set_status(ids=[held.pk], status="besvart", actor=None)

    held.refresh_from_db()
    assert (moved.changed, held.status, held.callback_due_at) == (0, "karantene", None)
    assert held.contacted_at is None  # not answered: still in quarantine
    assert triage.set_status(ids=[held.pk], status="spam", actor=None).changed == 1
    held.refresh_from_db()
    assert held.status == "spam"
    with pytest.raises(triage.StatusRefused):
        triage.set_status(ids=[held.pk], status="karantene", actor=None)


@pytest.mark.django_db
def test_the_admin_index_links_to_the_enquiries_in_quarantine(client, alice):
    without = client.get("/intern/").content.decode()
    quarantine.hold(submission=submission(), reason="Sendt etter 1 sekund")

    html = client.get("/intern/").content.decode()

    assert "i karantene" not in without
    assert re.search(r'href="[^"]*\?status=karantene"><strong>1</strong> i karantene', html)


@pytest.mark.django_db
def test_once_the_hour_is_full_a_fast_post_is_discarded_before_its_fields_with_no_write(
    client, fast, settings
):
    """The hour's quarantine is read before the fields are validated and before the rate
    limit counts: a flood of fast bots costs one read each, no write."""
    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 1
    shown = timezone.now()
    post(client, shown, fast(shown)[1])
    hits = list(RateCounter.objects.values_list("hits", flat=True))
    _, invalid = fast(shown, email="kari@")

    with CaptureQueriesContext(connection) as queries:
        response = post(client, shown, invalid)

    statements = [q["sql"] for q in queries.captured_queries]
    assert response.status_code == 303
    assert response["Location"] == "/kontakt/takk/"
    assert len(statements) == 1
    assert statements[0].startswith("SELECT COUNT(*)")
    assert list(RateCounter.objects.values_list("hits", flat=True)) == hits == [1]
    assert Enquiry.objects.count() == 1


@pytest.mark.django_db
def test_in_a_flood_the_full_hour_is_counted_once_a_second_and_a_freed_place_then_seen(
    client, fast, settings
):
    """contacts/intake/edge.py remembers "full" for FULL_REMEMBERED: the posts of a flood
    within it read nothing at all; the first one after it counts again, and finds the
    place that staff freed meanwhile."""
    from contacts.intake.edge import FULL_REMEMBERED

    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 1
    shown = timezone.now()
    post(client, shown, fast(shown)[1])  # takes the hour's one place
    post(client, shown, fast(shown)[1])  # counts, and finds the hour full
    flood = [fast(shown)[1] for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        answers = [post(client, shown, data).status_code for data in flood]

    assert answers == [303] * 3
    assert queries.captured_queries == []
    Enquiry.objects.filter(status="karantene").delete()  # the place freed
    within = shown + dt.timedelta(seconds=1) + FULL_REMEMBERED / 2
    post(client, within - dt.timedelta(seconds=1), fast(shown)[1])
    assert Enquiry.objects.count() == 0  # still taken as full, for at most a second
    after = shown + dt.timedelta(seconds=1) + FULL_REMEMBERED
    post(client, after - dt.timedelta(seconds=1), fast(shown)[1])
    assert list(Enquiry.objects.values_list("status", flat=True)) == ["karantene"]


@pytest.mark.django_db
def test_once_the_hour_is_full_a_fast_post_is_answered_before_the_session_and_the_view(
    client, fast, settings, monkeypatch
):
    """contacts/intake/edge.py: the token's time and the hour's count are all it reads; a
    fast post with room left goes on to the view, and is held."""
    from django.contrib.sessions.middleware import SessionMiddleware

    settings.CONTACTS_QUARANTINE_MAX_PER_HOUR = 1
    shown = timezone.now()
    first = post(client, shown, fast(shown)[1])

    def reached(*args):
        raise AssertionError("the session middleware was reached")

    monkeypatch.setattr(SessionMiddleware, "process_request", reached)
    second = post(client, shown, fast(shown)[1])

    assert (first.status_code, second.status_code) == (303, 303)
    assert second["Location"] == "/kontakt/takk/"
    assert "Content-Security-Policy" in second
    assert list(Enquiry.objects.values_list("status", flat=True)) == ["karantene"]


@pytest.mark.django_db
def test_when_the_hour_cannot_be_counted_a_fast_post_goes_on_to_the_view(
    client, fast, monkeypatch, caplog
):
    """A database error while counting is logged (its class only) and the post is not
    thrown away: the view stores it, or answers 503 if the database is down for it too."""
    from django.db import OperationalError

    from contacts.intake import quarantine

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to kari@example.no lost")

    monkeypatch.setattr(quarantine, "has_room", unreachable)
    shown, data = fast()

    response = post(client, shown, data)

    assert response.status_code == 303
    assert list(Enquiry.objects.values_list("status", flat=True)) == ["karantene"]
    [line] = [r.getMessage() for r in caplog.records if "counting quarantine" in r.getMessage()]
    assert line == "Callback form: database error (OperationalError) counting quarantine"
