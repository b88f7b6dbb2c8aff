"""The weekly digest before the purge: on Monday at 08:00 in Oslo staff
get the count of enquiries the purge erases within 7 days and a link to them, with no
personal data; nothing when nothing is due; sent by the job worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from croniter import croniter
from django.core import mail
from django.utils import timezone
from procrastinate.contrib.django import app

from common.schedules import is_oslo_hour
from contacts.intake import quarantine
from contacts.intake.shown import build_submission
from contacts.models import AuditEntry, Enquiry
from contacts.retention import tasks
from jobs import queue as jobs
from privacy.registry import get_registry
from tests import databases
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry
from tests.servers import MailSink, Worker, site_env

OSLO = ZoneInfo("Europe/Oslo")
MONDAY_EIGHT = dt.datetime(2027, 3, 8, 8, 0, tzinfo=OSLO)  # winter time: 07:00 UTC
SUBJECT = "Sletting de neste 7 dagene, og rettslige grunner til ny vurdering"
LATER = MONDAY_EIGHT.date() + dt.timedelta(days=30)  # a review date not yet come
PERSONAL = ("Kari", "Nordmann", "kari", "example.no/", "Ring meg", "91234567")


def due_in(days: float, **fields) -> Enquiry:
    return make_enquiry(
        name="Kari Nordmann",
        email="kari.nordmann@example.no",
        message="Ring meg etter ti.",
        retain_until=timezone.now() + dt.timedelta(days=days),
        **fields,
    )


def in_quarantine(days_ago: float) -> Enquiry:
    """Held in quarantine `days_ago`: erased 14 days after it came."""
    submission = build_submission(
        notice=get_registry().in_force(),
        nonce=f"quarantine-{days_ago}",
        name="Kari Nordmann",
        company="",
        email="kari@example.no",
        phone="+4791234567",
        message="",
    )
    ago = timezone.now() - dt.timedelta(days=days_ago)
    return quarantine.hold(submission=submission, reason="Sendt 1 sekund", received_at=ago)


def some_due() -> list[Enquiry]:
    """Three due within 7 days (one of them in quarantine), and three that are not."""
    due = [due_in(1), due_in(6.9), in_quarantine(days_ago=10)]
    due_in(7.1)  # next week's
    due_in(3, legal_hold_reason="Tvist", legal_hold_review_on=LATER)  # held
    in_quarantine(days_ago=1)  # in 13 days
    return due


def run_job(at: dt.datetime = MONDAY_EIGHT) -> None:
    tasks.send_purge_digest(timestamp=int(at.timestamp()))


@pytest.mark.django_db
def test_one_email_with_the_count_and_a_link_and_no_personal_data():
    some_due()

    run_job()

    [sent] = mail.outbox
    assert sent.to == ["saksbehandler@example.no"]
    assert sent.subject == SUBJECT
    assert "Slettes: 3\n" in sent.body
    assert "Av dem i karantene (aldri sluppet inn): 1\n" in sent.body
    link = "https://pilaro.example/intern/contacts/enquiry/?sletting=7&status=all"
    assert link in sent.body
    everything = sent.subject + sent.body + str(sent.extra_headers)
    for personal in PERSONAL:
        assert personal not in everything


@pytest.mark.django_db
def test_the_link_lists_exactly_the_enquiries_it_counted(client, alice):
    due = some_due()

    html = client.get("/intern/contacts/enquiry/?sletting=7&status=all").content.decode()

    listed = {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}
    assert listed == {e.pk for e in due}
    assert "Slettes innen 7 dager" in html


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_is_due_within_the_week():
    due_in(8)
    due_in(2, legal_hold_reason="Tvist", legal_hold_review_on=LATER)

    run_job()

    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_holds_past_their_review_date_are_listed_every_week_until_reviewed(client, alice):
    """Never released by a timer: staff are told, week after week, with a link to them."""
    overdue = due_in(400, legal_hold_reason="Tvist", legal_hold_review_on=MONDAY_EIGHT.date())
    due_in(400, legal_hold_reason="Tvist", legal_hold_review_on=LATER)  # not yet

    for monday in (MONDAY_EIGHT, MONDAY_EIGHT + dt.timedelta(days=7)):
        with time_machine.travel(monday, tick=False):
            run_job(monday)

    first, second = mail.outbox
    assert "grunn som skulle vært vurdert på nytt: 1\n" in first.body
    assert "Slettes:" not in first.body  # nothing is due for erasure
    link = "https://pilaro.example/intern/contacts/enquiry/?rettslig_grunn=vurderes&status=all"
    assert link in first.body and link in second.body
    with time_machine.travel(MONDAY_EIGHT + dt.timedelta(days=7), tick=False):
        log_in_verified(client, alice)  # a session from before the travel has expired
        html = client.get(link.removeprefix("https://pilaro.example")).content.decode()
    listed = {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}
    assert listed == {overdue.pk}
    assert Enquiry.objects.filter(pk=overdue.pk).exists()  # kept: evidence is not released
    for personal in PERSONAL:
        assert personal not in first.subject + first.body


@pytest.mark.django_db
def test_once_a_day_however_often_it_runs():
    due_in(1)

    run_job()
    run_job()

    assert len(mail.outbox) == 1
    assert AuditEntry.objects.get().action == "purge_digest"


@pytest.mark.django_db
def test_a_failed_send_leaves_the_day_open_for_a_retry(settings):
    due_in(1)
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"

    with pytest.raises(OSError):
        run_job()
    assert not AuditEntry.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_job()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_no_recipients_means_no_mail_and_no_error(settings):
    due_in(1)
    settings.CONTACTS_NOTIFY_EMAILS = []

    run_job()

    assert mail.outbox == []


@pytest.mark.django_db
def test_it_sends_only_at_eight_in_oslo():
    due_in(1)

    run_job(MONDAY_EIGHT - dt.timedelta(hours=1))  # 06:00 UTC: 07:00 in Oslo in winter
    assert mail.outbox == []
    run_job(MONDAY_EIGHT)
    assert len(mail.outbox) == 1


def test_the_schedule_is_every_monday_at_eight_in_oslo_summer_and_winter():
    [periodic] = [
        p for p in app.periodic_registry.periodic_tasks.values() if p.periodic_id == "purge-digest"
    ]
    runs = []
    start = dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)
    times = croniter(periodic.cron, start)
    while (at := times.get_next(dt.datetime)).year == 2027:
        if is_oslo_hour(int(at.timestamp()), 8):
            runs.append(at.astimezone(OSLO))

    mondays = [
        d for d in (dt.date(2027, 1, 1) + dt.timedelta(n) for n in range(365)) if d.weekday() == 0
    ]
    assert [r.date() for r in runs] == mondays
    assert {(r.hour, r.minute) for r in runs} == {(8, 0)}


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_it():
    some_due()
    url = databases.url()
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(MailSink())
        env = site_env(
            DATABASE_URL=url,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            PILARO_SITE_URL="https://pilaro.example",
            PILARO_NOTIFY_EMAILS="staff@example.invalid",
        )
        # Queued before the worker starts: on a Monday morning its own periodic deferrer
        # queues the digest too, and the one queueing lock lets only the first in.
        jobs.defer(tasks.send_purge_digest, timestamp=int(MONDAY_EIGHT.timestamp()))
        worker = stack.enter_context(Worker(env, name="purge-digest"))

        deadline = time.monotonic() + 30
        while not (digests := [m for m in sink.messages if m["Subject"] == SUBJECT]):
            assert time.monotonic() < deadline, worker.output()[-3000:]
            time.sleep(0.1)

    [digest] = digests
    body = digest.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert digest["To"] == "staff@example.invalid"
    assert "Slettes: 3\n" in body
    assert "https://pilaro.example/intern/contacts/enquiry/?sletting=7&status=all" in body
    for personal in PERSONAL:
        assert personal not in body
    assert AuditEntry.objects.filter(action="purge_digest").count() == 1
