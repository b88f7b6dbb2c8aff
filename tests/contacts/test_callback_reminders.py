"""Reminders of the callback promise: staff are e-mailed once when an enquiry is one working
hour from its due time and once when it is overdue, the assignee or else all staff, with a
count and links and no personal data. Run here as the worker runs the job, at frozen
times; tests/contacts/test_callback_reminder_worker.py runs it in real workers."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from procrastinate.contrib.django import app

from contacts.inbox import callbacks
from contacts.inbox.tasks import remind_callbacks
from contacts.models import Enquiry
from tests.concurrency import run_at_once
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
# Received Wednesday 25 November 2026 10:00: due Thursday 26 November 10:00.
RECEIVED = dt.datetime(2026, 11, 25, 10, 0, tzinfo=OSLO)
DUE = dt.datetime(2026, 11, 26, 10, 0, tzinfo=OSLO)
PERSON = {"name": "Kari Nordmann", "email": "kari.nordmann@example.no", "phone": "+4791234567"}


@pytest.fixture(autouse=True)
def promise(settings):
    settings.CONTACTS_WORKDAY = "08:00-16:00"
    settings.CONTACTS_CALLBACK_WORKING_HOURS = 8
    settings.CONTACTS_CLOSED_DAYS = []
    settings.CONTACTS_CALLBACK_PROMISE = "innen 1 virkedag"


def run_job(at: dt.datetime) -> list:
    """The job as a worker runs it, at `at`; the e-mails it sent."""
    before = len(mail.outbox)
    with time_machine.travel(at, tick=False):
        remind_callbacks(timestamp=int(at.timestamp()))
    return mail.outbox[before:]


def reminders() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Ring tilbake")]


@pytest.fixture
def waiting() -> Enquiry:
    enquiry = make_enquiry(received_at=RECEIVED, message="Ring meg om taket", **PERSON)
    mail.outbox.clear()  # the new-enquiry e-mail is not what these tests are about
    return enquiry


def test_nothing_is_sent_while_more_than_an_hour_is_left(waiting):
    assert run_job(DUE - dt.timedelta(hours=1, minutes=5)) == []


def test_one_reminder_an_hour_before_and_one_when_overdue_each_once(waiting):
    [soon] = run_job(DUE - dt.timedelta(minutes=55))
    assert run_job(DUE - dt.timedelta(minutes=50)) == []
    assert run_job(DUE - dt.timedelta(minutes=1)) == []
    [late] = run_job(DUE + dt.timedelta(minutes=3))
    assert run_job(DUE + dt.timedelta(minutes=8)) == []
    assert run_job(DUE + dt.timedelta(days=1)) == []

    assert soon.subject == "Ring tilbake: 1 henvendelse med frist innen 1 arbeidstime"
    assert late.subject == "Ring tilbake: 1 henvendelse over fristen"
    assert soon.to == late.to == ["saksbehandler@example.no"]
    link = f"https://pilaro.example/intern/contacts/enquiry/{waiting.pk}/change/"
    assert link in soon.body and link in late.body
    assert "https://pilaro.example/intern/contacts/enquiry/?frist=snart\n" in soon.body
    assert "https://pilaro.example/intern/contacts/enquiry/?frist=forfalt\n" in late.body
    assert "1 henvendelse har passert fristen for å ringe tilbake (innen 1 virkedag)" in late.body
    waiting.refresh_from_db()
    assert waiting.due_soon_reminded_at == DUE - dt.timedelta(minutes=55)
    assert waiting.overdue_reminded_at == DUE + dt.timedelta(minutes=3)


def test_the_reminders_carry_no_personal_data(waiting):
    sent = run_job(DUE - dt.timedelta(minutes=30)) + run_job(DUE + dt.timedelta(minutes=1))

    assert len(sent) == 2
    for message in sent:
        everything = message.subject + message.body + str(message.extra_headers)
        for personal in ("Kari", "Nordmann", "kari.nordmann", "91234567", "taket"):
            assert personal not in everything


def test_the_working_hour_before_is_counted_over_a_weekend():
    # Friday 27 November 08:10: 7 h 50 min that Friday, 10 min on Monday -> due Monday
    # 08:10. One working hour before that is Friday 15:10.
    make_enquiry(received_at=dt.datetime(2026, 11, 27, 8, 10, tzinfo=OSLO))
    friday = dt.datetime(2026, 11, 27, tzinfo=OSLO)

    assert run_job(friday.replace(hour=15, minute=5)) == []
    [soon] = run_job(friday.replace(hour=15, minute=15))
    assert "med frist innen 1 arbeidstime" in soon.subject
    assert run_job(friday.replace(hour=20)) == []
    [late] = run_job(dt.datetime(2026, 11, 30, 8, 15, tzinfo=OSLO))
    assert "over fristen" in late.subject


def test_the_assignee_is_reminded_and_all_staff_of_the_unassigned(waiting):
    alice = User.objects.create_user("alice", email="alice@example.no", is_staff=True)
    mine = make_enquiry(received_at=RECEIVED, assignee=alice)
    also_mine = make_enquiry(received_at=RECEIVED + dt.timedelta(minutes=5), assignee=alice)

    sent = run_job(DUE + dt.timedelta(minutes=10))

    by_recipient = {tuple(m.to): m for m in sent}
    assert set(by_recipient) == {("alice@example.no",), ("saksbehandler@example.no",)}
    to_alice = by_recipient["alice@example.no",]
    assert to_alice.subject == "Ring tilbake: 2 henvendelser over fristen"
    assert f"/enquiry/{mine.pk}/change/" in to_alice.body
    assert f"/enquiry/{also_mine.pk}/change/" in to_alice.body
    assert "?frist=forfalt&saksbehandler=meg\n" in to_alice.body
    assert f"/enquiry/{waiting.pk}/change/" not in to_alice.body
    assert f"/enquiry/{waiting.pk}/change/" in by_recipient["saksbehandler@example.no",].body


def test_contacted_closed_spam_restricted_and_unpromised_enquiries_are_never_reminded(waiting):
    contacted = make_enquiry(received_at=RECEIVED)
    Enquiry.objects.filter(pk=contacted.pk).update(contacted_at=RECEIVED + dt.timedelta(hours=1))
    make_enquiry(received_at=RECEIVED, status="lukket")
    make_enquiry(received_at=RECEIVED, status="spam")
    make_enquiry(
        received_at=RECEIVED,
        restricted_reason="Bestrider opplysningene",
        restricted_at=RECEIVED + dt.timedelta(hours=1),
    )
    make_enquiry(received_at=RECEIVED, callback_due_at=None)  # from before the promise
    mail.outbox.clear()

    [late] = run_job(DUE + dt.timedelta(minutes=10))

    assert late.subject == "Ring tilbake: 1 henvendelse over fristen"
    assert f"/enquiry/{waiting.pk}/change/" in late.body


def test_a_failed_send_leaves_the_reminder_for_the_retry(settings, waiting):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    with pytest.raises(OSError):
        run_job(DUE + dt.timedelta(minutes=1))
    waiting.refresh_from_db()
    assert waiting.overdue_reminded_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(run_job(DUE + dt.timedelta(minutes=2))) == 1


def test_no_staff_addresses_means_no_mail_and_no_error(settings, waiting):
    settings.CONTACTS_NOTIFY_EMAILS = []

    assert run_job(DUE + dt.timedelta(minutes=1)) == []


def test_the_job_is_scheduled_every_five_minutes():
    [periodic] = [
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.periodic_id == "callback-reminders"
    ]

    assert periodic.cron == "*/5 * * * *"
    assert periodic.task.name == "contacts.remind_callbacks"
    assert periodic.task.queueing_lock == "callback-reminders"


class SlowBackend(EmailBackend):
    """A mail server that takes its time: the other run looks while this one sends."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(settings):
    make_enquiry(received_at=RECEIVED)
    make_enquiry(received_at=RECEIVED + dt.timedelta(minutes=20))
    mail.outbox.clear()
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    at = DUE + dt.timedelta(minutes=10)  # the first overdue, the second due in 10 minutes

    with time_machine.travel(at, tick=False):
        errors = run_at_once(callbacks.send_reminders, callbacks.send_reminders)

    assert errors == []
    assert sorted(m.subject for m in reminders()) == [
        "Ring tilbake: 1 henvendelse med frist innen 1 arbeidstime",
        "Ring tilbake: 1 henvendelse over fristen",
    ]
