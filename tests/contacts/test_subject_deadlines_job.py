"""The daily reminder about subject requests' deadlines: one e-mail to staff at 07:00 in
Oslo when a request is overdue or due within the warning days, with counts and a link and
no personal data; nothing when nothing is due; never twice the same day."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from contacts.models import AuditEntry, SubjectRequest
from contacts.rights import subject_log
from contacts.rights.tasks import remind_subject_deadlines
from tests.concurrency import run_at_once
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
SEVEN = dt.datetime(2027, 3, 10, 7, 0, tzinfo=OSLO)  # winter time: 06:00 UTC


def received(day: dt.date, **fields) -> SubjectRequest:
    return subject_log.open_request(
        kind=fields.pop("kind", "retting"),
        channel="e-post",
        email="kari.nordmann@example.no",
        details="Etternavnet mitt er feilstavet: Nordmannsen.",
        received_at=dt.datetime.combine(day, dt.time(12), tzinfo=OSLO),
        **fields,
    )


def run_job(at: dt.datetime = SEVEN) -> None:
    with time_machine.travel(at, tick=False):
        remind_subject_deadlines(timestamp=int(at.timestamp()))


@pytest.fixture
def due_soon_and_overdue() -> None:
    enquiry = make_enquiry(name="Kari Nordmann", email="kari.nordmann@example.no")
    received(dt.date(2027, 2, 13), enquiry_ids=[enquiry.pk])  # due 13 March: in 3 days
    received(dt.date(2027, 2, 1))  # due 1 March: overdue
    received(dt.date(2027, 1, 20), kind="innsyn")  # due 20 February: overdue
    received(dt.date(2027, 3, 9))  # due 9 April: not yet
    done = received(dt.date(2027, 1, 2))
    subject_log.complete_request(done, outcome="Rettet")  # done: never counted


def test_one_email_with_counts_and_a_link_and_no_personal_data(due_soon_and_overdue):
    run_job()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["saksbehandler@example.no"]
    assert sent.subject == "Frister for forespørsler fra registrerte"
    assert "Over fristen: 2\n" in sent.body
    assert "Frist innen 7 dager: 1\n" in sent.body
    assert "Åpne i alt: 4\n" in sent.body
    assert "https://pilaro.example/intern/contacts/subjectrequest/?status=apen" in sent.body
    everything = sent.subject + sent.body + str(sent.extra_headers)
    for personal in ("kari", "Kari", "Nordmann", "feilstavet", "example.no/"):
        assert personal not in everything
    assert all(r.person_key not in everything for r in SubjectRequest.objects.all())


def test_nothing_is_sent_when_nothing_is_due_soon():
    received(dt.date(2027, 3, 1))  # due 1 April: 22 days away
    late_but_done = received(dt.date(2027, 1, 2))
    subject_log.complete_request(late_but_done, outcome="Innsyn sendt")

    run_job()

    assert mail.outbox == []
    assert not AuditEntry.objects.exists()


def test_the_warning_days_are_a_setting(settings):
    settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS = 30
    received(dt.date(2027, 3, 1))  # due 1 April: within 30 days

    run_job()

    assert len(mail.outbox) == 1 and "Frist innen 30 dager: 1\n" in mail.outbox[0].body


def test_an_extended_deadline_is_the_one_that_counts():
    extended = received(dt.date(2027, 2, 1))  # due 1 March: overdue unless extended
    told = subject_log.Told(on=dt.date(2027, 2, 20), how="E-post")
    subject_log.extend(
        extended, to=dt.date(2027, 4, 30), reason="Omfattende", told=told, today=told.on
    )

    run_job()

    assert mail.outbox == []


def test_not_twice_on_the_same_day_but_again_the_next(due_soon_and_overdue):
    run_job()
    run_job(SEVEN + dt.timedelta(minutes=30))

    assert len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="subject_deadline_reminder").count() == 1

    run_job(SEVEN + dt.timedelta(days=1))

    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "utc",
    [
        dt.datetime(2027, 3, 10, 5, 0, tzinfo=dt.UTC),  # 06:00 in Oslo (winter time)
        dt.datetime(2027, 7, 10, 6, 0, tzinfo=dt.UTC),  # 08:00 in Oslo (summer time)
    ],
)
def test_it_sends_only_at_seven_in_oslo(due_soon_and_overdue, utc):
    run_job(utc)

    assert mail.outbox == []


def test_at_seven_in_summer_time_too(due_soon_and_overdue):
    run_job(dt.datetime(2027, 3, 29, 5, 0, tzinfo=dt.UTC))  # 07:00 CEST

    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_the_day_open_for_a_retry(settings, due_soon_and_overdue):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"

    with pytest.raises(OSError):
        run_job()
    assert not AuditEntry.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_job()
    assert len(mail.outbox) == 1


def test_no_recipients_means_no_mail_and_no_error(settings, due_soon_and_overdue):
    settings.CONTACTS_NOTIFY_EMAILS = []

    run_job()

    assert mail.outbox == []


class SlowBackend(EmailBackend):
    """A mail server that takes its time: the other run looks while this one sends."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_email(settings, due_soon_and_overdue):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    with time_machine.travel(SEVEN, tick=False):
        remind = subject_log.send_deadline_reminder
        errors = run_at_once(remind, remind)

    assert errors == []
    assert len(mail.outbox) == 1
