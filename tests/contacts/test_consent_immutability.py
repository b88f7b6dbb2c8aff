"""Consent rows are evidence: PostgreSQL refuses to change them, except to record the first
withdrawal, and to delete them, except with their enquiry. Every way enquiries are erased
still takes their consents with them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts import tasks
from contacts.inbox import triage
from contacts.models import Consent, Enquiry, ErasureReason, ErasureRecord, Notification
from contacts.retention import erasure
from contacts.rights import withdrawal
from privacy.models import NoticeVersion
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"


def refused(statement: str, params: list) -> bool:
    """Whether the database refuses this statement (run in a savepoint of its own)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except IntegrityError:
        return True
    return False


@pytest.fixture
def consent(alice) -> Consent:
    enquiry = make_enquiry(marketing=True)
    return Consent.objects.get(enquiry=enquiry, purpose="marketing")


def expired_enquiry() -> Enquiry:
    now = timezone.now()
    return make_enquiry(
        marketing=True,
        received_at=now - dt.timedelta(days=800),
        retain_until=now - dt.timedelta(days=1),
    )


def test_the_shown_label_text_cannot_be_changed(consent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(label_text="Noe annet")

    consent.refresh_from_db()
    assert consent.label_text.startswith("Ja,")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("given", False),
        ("given_at", dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
        ("purpose", "enquiry_x"),
        ("notice_version_id", "another"),
    ],
)
def test_no_other_column_can_be_changed_either(consent, column, value):
    if value == "another":
        value = NoticeVersion.objects.create(
            version="0.9", effective_date=dt.date(2020, 1, 1), sha256="0" * 64
        ).pk
    statement = f"UPDATE contacts_consent SET {column} = %s WHERE id = %s"  # noqa: S608
    assert refused(statement, [value, consent.pk])


def test_the_first_withdrawal_is_recorded(consent, alice):
    assert withdrawal.record_withdrawal(consent=consent, channel="e-post", actor=alice)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_channel == "e-post"


def test_a_second_withdrawal_is_refused(consent, alice):
    withdrawal.record_withdrawal(consent=consent, channel="e-post", actor=alice)
    consent.refresh_from_db()
    first = (consent.withdrawn_at, consent.withdrawal_channel)

    later = timezone.now() + dt.timedelta(days=1)
    assert refused(
        "UPDATE contacts_consent SET withdrawn_at = %s WHERE id = %s", [later, consent.pk]
    )
    assert refused(
        "UPDATE contacts_consent SET withdrawal_channel = 'brev' WHERE id = %s", [consent.pk]
    )
    # Nor can a withdrawal be undone.
    assert refused(
        "UPDATE contacts_consent SET withdrawn_at = NULL, withdrawal_channel = '' WHERE id = %s",
        [consent.pk],
    )
    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.withdrawal_channel) == first


def test_a_withdrawal_that_also_changes_the_evidence_is_refused(consent):
    assert refused(
        "UPDATE contacts_consent SET withdrawn_at = now(), withdrawal_channel = 'brev', "
        "label_text = 'Noe annet' WHERE id = %s",
        [consent.pk],
    )


def test_a_consent_whose_enquiry_exists_cannot_be_deleted(consent):
    assert refused("DELETE FROM contacts_consent WHERE id = %s", [consent.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).delete()

    assert Consent.objects.filter(pk=consent.pk).exists()


def test_deleting_the_enquiry_deletes_its_consents_in_the_database(consent):
    """The cascade runs after the enquiry's row is gone: the trigger does not see it."""
    enquiry_id = consent.enquiry_id
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM contacts_notification WHERE enquiry_id = %s", [enquiry_id])
        cursor.execute("DELETE FROM contacts_enquiry WHERE id = %s", [enquiry_id])
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert not Consent.objects.filter(enquiry_id=enquiry_id).exists()


def test_the_foreign_key_cascades_in_the_database_and_django_leaves_it_to_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confdeltype FROM pg_constraint WHERE conrelid = 'contacts_consent'::regclass "
            "AND confrelid = 'contacts_enquiry'::regclass AND contype = 'f'"
        )
        assert cursor.fetchall() == [("c",)]
    enquiry = make_enquiry()

    with CaptureQueriesContext(connection) as ctx:
        erasure.erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.STAFF)

    assert not any("contacts_consent" in q["sql"] for q in ctx.captured_queries)
    assert not Consent.objects.filter(enquiry_id=enquiry.pk).exists()


def test_the_erasure_service_removes_the_enquiry_with_its_consents(alice):
    enquiry = make_enquiry(marketing=True)
    triage.add_note(enquiry=enquiry, author=alice, text="Ringte.")

    assert erasure.erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.STAFF, actor=alice)

    assert not Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert not Consent.objects.filter(enquiry_id=enquiry.pk).exists()
    assert not Notification.objects.filter(enquiry_id=enquiry.pk).exists()
    assert ErasureRecord.objects.filter(enquiry_id=enquiry.pk).exists()


def test_the_purge_command_removes_expired_enquiries_with_their_consents():
    gone = expired_enquiry()

    call_command("purge_expired_enquiries", stdout=io.StringIO())

    assert not Enquiry.objects.filter(pk=gone.pk).exists()
    assert not Consent.objects.filter(enquiry_id=gone.pk).exists()


def test_the_nightly_purge_job_removes_expired_enquiries_with_their_consents():
    gone = expired_enquiry()
    three_in_oslo = dt.datetime(2026, 1, 15, 2, 17, tzinfo=dt.UTC)  # 03:17 CET

    tasks.purge_expired_enquiries(timestamp=int(three_in_oslo.timestamp()))

    assert not Enquiry.objects.filter(pk=gone.pk).exists()
    assert not Consent.objects.filter(enquiry_id=gone.pk).exists()


def test_an_erasure_the_person_asked_for_removes_their_consents(client, alice):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    withdrawal.record_withdrawal(
        consent=enquiry.consents.get(purpose="marketing"), channel="e-post", actor=alice
    )

    client.post(
        f"{ADMIN}personvern/slett/",
        {"email": "kari@example.no", "confirmed": "1", "ids": [enquiry.pk]},
    )

    assert not Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert not Consent.objects.filter(enquiry_id=enquiry.pk).exists()


def test_the_admin_erases_through_its_action_and_offers_no_plain_delete(client, alice):
    enquiry = make_enquiry(marketing=True)

    assert client.get(f"{ADMIN}{enquiry.pk}/delete/").status_code == 403
    client.post(ADMIN, {"action": "erase_now", "_selected_action": [enquiry.pk], "post": "yes"})

    assert not Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert not Consent.objects.filter(enquiry_id=enquiry.pk).exists()
