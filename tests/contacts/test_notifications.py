"""Staff notifications: no personal data, sent after commit, retried when mail is down."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from contacts.models import Enquiry, Notification
from contacts.services.notifications import deliver_notification
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db


def test_the_notification_carries_a_count_and_a_link_but_no_personal_data(
    client, fresh_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/kontakt/", fresh_form())

    [message] = mail.outbox
    enquiry = Enquiry.objects.get()
    assert message.to == ["saksbehandler@example.no"]
    assert f"https://pilaro.example/intern/contacts/enquiry/{enquiry.pk}/change/" in message.body
    assert "Det har kommet 1 ny henvendelse" in message.body
    text = message.subject + message.body
    for value in ("Kari", "Nordmann", "kari@", "4791234567", "912 34 567", "Ring meg"):
        assert value not in text


def test_nothing_is_sent_before_the_transaction_commits(client, fresh_form):
    client.post("/kontakt/", fresh_form())  # the test's transaction never commits

    assert mail.outbox == []
    assert Notification.objects.get().state == "pending"


def test_a_notification_whose_sender_died_is_sent_by_the_retry_once_its_claim_runs_out(
    client, fresh_form
):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    client.post("/kontakt/", fresh_form())  # committed, but the sender never ran
    call_command("send_pending_notifications", verbosity=0)
    assert mail.outbox == []  # still claimed by the sender that died

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        call_command("send_pending_notifications", verbosity=0)

    assert len(mail.outbox) == 1
    assert Notification.objects.get().state == "sent"


def test_with_the_mail_server_down_the_enquiry_is_kept_and_the_retry_sends_it(
    client, fresh_form, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kontakt/", fresh_form())

    assert response.status_code == 303
    notification = Notification.objects.get()
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert notification.last_error == "SMTPConnectError"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_notifications", verbosity=0)
    call_command("send_pending_notifications", verbosity=0)

    notification.refresh_from_db()
    assert notification.state == "sent"
    assert len(mail.outbox) == 1


def test_a_notification_is_given_up_after_the_maximum_attempts(
    client, fresh_form, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    settings.CONTACTS_NOTIFY_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/kontakt/", fresh_form())

    for _ in range(4):
        call_command("send_pending_notifications", verbosity=0)

    assert Notification.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_notification_once(client, fresh_form):
    for _ in range(20):
        client.post("/kontakt/", fresh_form())
    mail.outbox.clear()
    Notification.objects.update(state="pending", attempts=0, claimed_until=None, sent_at=None)
    ids = list(Notification.objects.values_list("pk", flat=True))

    def send_all():
        for pk in ids:
            deliver_notification(pk)

    assert run_at_once(send_all, send_all) == []

    assert len(mail.outbox) == 20
    assert Notification.objects.filter(state="sent").count() == 20


def test_a_burst_of_100_enquiries_with_mail_down_loses_none_and_the_retry_sends_exactly_100(
    client, fresh_form, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        statuses = {client.post("/kontakt/", fresh_form()).status_code for _ in range(100)}

    assert statuses == {303}
    assert Enquiry.objects.count() == 100
    assert Notification.objects.filter(state="failed").count() == 100

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_notifications", verbosity=0)
    call_command("send_pending_notifications", verbosity=0)

    assert len(mail.outbox) == 100
    assert Notification.objects.filter(state="sent").count() == 100
