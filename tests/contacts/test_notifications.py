"""Staff notifications: no personal data, a job queued with the enquiry, sent by a worker,
retried when mail is down, never sent twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from contacts.intake.notifications import NotificationFailed, deliver
from contacts.models import Enquiry, Notification
from jobs import queue as jobs
from tests.concurrency import run_at_once
from tests.queued_jobs import queued, run_queued

pytestmark = pytest.mark.django_db


def test_the_notification_carries_a_count_and_a_link_but_no_personal_data(client, fresh_form):
    client.post("/kontakt/", fresh_form())
    assert run_queued() == []

    [message] = mail.outbox
    enquiry = Enquiry.objects.get()
    assert message.to == ["saksbehandler@example.no"]
    assert f"https://pilaro.example/intern/contacts/enquiry/{enquiry.pk}/change/" in message.body
    assert "Det har kommet 1 ny henvendelse" in message.body
    text = message.subject + message.body
    for value in ("Kari", "Nordmann", "kari@", "4791234567", "912 34 567", "Ring meg"):
        assert value not in text


def test_the_visitors_request_only_queues_the_job_and_sends_nothing(
    client, fresh_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kontakt/", fresh_form())

    assert response.status_code == 303
    assert mail.outbox == []
    notification = Notification.objects.get()
    assert notification.state == "pending"
    [job] = queued()
    assert job.args == {"notification_id": notification.pk}
    assert job.queue_name == "notifications"


def test_a_repeated_post_of_one_form_queues_no_second_job(client, fresh_form):
    data = fresh_form()
    client.post("/kontakt/", data)
    client.post("/kontakt/", data)

    assert Enquiry.objects.count() == 1
    assert len(queued()) == 1


def test_if_the_job_cannot_be_queued_the_enquiry_is_not_stored_either(
    client, fresh_form, monkeypatch
):
    def queue_down(task, **kwargs):
        raise DatabaseError("the queue's table is gone")

    monkeypatch.setattr(jobs, "defer", queue_down)

    response = client.post("/kontakt/", fresh_form())

    assert response.status_code == 503
    assert not Enquiry.objects.exists()
    assert not Notification.objects.exists()


def test_with_the_mail_server_down_the_failure_is_recorded_and_a_retry_sends_it(
    client, fresh_form, settings
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    client.post("/kontakt/", fresh_form())

    [raised] = run_queued()

    assert isinstance(raised, NotificationFailed)
    assert str(raised) == "SMTPConnectError"  # the class only, never the server's text
    notification = Notification.objects.get()
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert notification.last_error == "SMTPConnectError"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_queued() == []

    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_a_job_run_again_after_the_send_was_recorded_sends_nothing(client, fresh_form):
    """What a worker killed after sending, before the queue heard of it, leaves behind."""
    client.post("/kontakt/", fresh_form())
    run_queued()

    assert run_queued() == []  # the same job, run again

    assert len(mail.outbox) == 1
    assert Notification.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_notification_once(client, fresh_form):
    for _ in range(20):
        client.post("/kontakt/", fresh_form())
    ids = list(Notification.objects.values_list("pk", flat=True))

    def send_all():
        for pk in ids:
            deliver(pk)

    assert run_at_once(send_all, send_all) == []

    assert len(mail.outbox) == 20
    assert Notification.objects.filter(state="sent", attempts=1).count() == 20


def test_a_burst_of_100_enquiries_with_mail_down_loses_none_and_sends_exactly_100(
    client, fresh_form, settings
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    statuses = {client.post("/kontakt/", fresh_form()).status_code for _ in range(100)}
    run_queued()

    assert statuses == {303}
    assert Enquiry.objects.count() == 100
    assert Notification.objects.filter(state="failed").count() == 100

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_queued()
    run_queued()

    assert len(mail.outbox) == 100
    assert Notification.objects.filter(state="sent").count() == 100


def test_the_operators_command_sends_what_waits(client, fresh_form, settings):
    settings.CONTACTS_NOTIFY_EMAILS = []
    client.post("/kontakt/", fresh_form())
    run_queued()
    assert Notification.objects.get().state == "pending"  # nobody to tell yet

    settings.CONTACTS_NOTIFY_EMAILS = ["saksbehandler@example.no"]
    call_command("send_pending_notifications", verbosity=0)

    assert Notification.objects.get().state == "sent"
    assert len(mail.outbox) == 1


def test_without_a_queue_the_job_runs_in_process_after_the_commit(
    client, fresh_form, monkeypatch, django_capture_on_commit_callbacks
):
    """`make run` on SQLite: no worker, no queue table."""
    monkeypatch.setattr(jobs, "has_queue", lambda: False)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/kontakt/", fresh_form())
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    assert queued() == []


def test_sending_a_notification_takes_two_queries_the_lock_with_its_enquiry_and_the_record(
    client, fresh_form
):
    client.post("/kontakt/", fresh_form())
    notification = Notification.objects.get()

    with CaptureQueriesContext(connection) as captured:
        assert deliver(notification.pk) is True

    # The test's own transaction makes deliver()'s a savepoint: those are not its queries.
    queries = [q["sql"] for q in captured if "SAVEPOINT" not in q["sql"]]
    assert len(queries) == 2, queries
    assert queries[0].startswith("SELECT") and "FOR UPDATE" in queries[0]
    assert queries[1].startswith("UPDATE")
    assert len(mail.outbox) == 1


def test_storing_a_post_without_marketing_consent_looks_for_no_consent_to_confirm(
    client, fresh_form
):
    """The double opt-in's job is queued only for a ticked marketing box; an unticked one
    costs the visitor's request no query for it (the consent rows are only inserted)."""
    data = fresh_form()
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/kontakt/", data)

    assert response.status_code == 303
    on_consents = [q["sql"] for q in captured if "contacts_consent" in q["sql"]]
    assert len(on_consents) == 1, on_consents
    assert on_consents[0].startswith("INSERT")
