"""purge_expired_enquiries: exactly the expired ones go, with a record; nothing else."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Consent, Enquiry, ErasureRecord, Notification
from tests.concurrency import run_at_once
from tests.contacts.factories import make_enquiry
from tests.restore import as_in_an_older_backup

pytestmark = pytest.mark.django_db


def expired(**fields):
    now = timezone.now()
    return make_enquiry(
        received_at=now - dt.timedelta(days=400),
        retain_until=now - dt.timedelta(minutes=1),
        **fields,
    )


def kept(**fields):
    return make_enquiry(retain_until=timezone.now() + dt.timedelta(days=1), **fields)


def test_it_erases_exactly_the_expired_enquiries_and_records_each_erasure():
    old = [expired() for _ in range(3)]
    young = [kept() for _ in range(2)]
    held = expired(
        legal_hold_reason="Tvist: fastsette, gjøre gjeldende eller forsvare rettskrav",
        legal_hold_review_on=timezone.localdate() - dt.timedelta(days=1),  # even when overdue
    )
    out = io.StringIO()

    call_command("purge_expired_enquiries", stdout=out)

    assert set(Enquiry.objects.values_list("pk", flat=True)) == {e.pk for e in [*young, held]}
    assert set(ErasureRecord.objects.values_list("enquiry_id", flat=True)) == {e.pk for e in old}
    assert set(ErasureRecord.objects.values_list("reason", flat=True)) == {"retention"}
    assert not Consent.objects.filter(enquiry_id__in=[e.pk for e in old]).exists()
    assert not Notification.objects.filter(enquiry_id__in=[e.pk for e in old]).exists()
    assert out.getvalue() == "3 expired enquiries erased.\n"


def test_a_dry_run_counts_and_changes_nothing():
    for _ in range(2):
        expired()
    kept()
    out = io.StringIO()

    call_command("purge_expired_enquiries", "--dry-run", stdout=out)

    assert Enquiry.objects.count() == 3
    assert not ErasureRecord.objects.exists()
    assert out.getvalue() == "2 expired enquiries would be erased (dry run).\n"


def test_its_output_holds_counts_only():
    expired(name="Unik Testperson", email="unik@example.no")
    out = io.StringIO()

    call_command("purge_expired_enquiries", "--verbosity", "2", stdout=out)

    assert out.getvalue() == "1 expired enquiries erased.\n"


def test_the_query_count_does_not_grow_with_the_rows_in_a_batch():
    def queries_to_purge(n: int) -> int:
        for _ in range(n):
            expired()
        with CaptureQueriesContext(connection) as ctx:
            call_command("purge_expired_enquiries", "--batch-size", "1000", verbosity=0)
        assert not Enquiry.objects.exists()
        return len(ctx.captured_queries)

    assert queries_to_purge(3) == queries_to_purge(40)


def test_it_works_in_batches():
    for _ in range(7):
        expired()

    call_command("purge_expired_enquiries", "--batch-size", "3", verbosity=0)

    assert not Enquiry.objects.exists()
    assert ErasureRecord.objects.count() == 7


@pytest.mark.django_db(transaction=True)
def test_two_purges_at_once_erase_each_enquiry_once():
    ids = {expired().pk for _ in range(60)}
    kept_one = kept()

    def purge():
        call_command("purge_expired_enquiries", "--batch-size", "5", verbosity=0)

    errors = run_at_once(purge, purge)

    assert errors == []
    assert list(Enquiry.objects.values_list("pk", flat=True)) == [kept_one.pk]
    assert set(ErasureRecord.objects.values_list("enquiry_id", flat=True)) == ids


def test_erasures_are_applied_again_after_a_restore_from_backup(tmp_path):
    gone = expired()
    backup = Enquiry.objects.filter(pk=gone.pk).values().get()
    call_command("purge_expired_enquiries", verbosity=0)
    export = tmp_path / "erasures.csv"
    with export.open("w") as handle:
        call_command("export_erasure_records", stdout=handle)
    assert str(gone.pk) in export.read_text()
    # A restore from an older backup brings the enquiry back, and not its erasure record.
    as_in_an_older_backup("DELETE FROM contacts_erasurerecord")
    Enquiry.objects.create(**backup)

    out = io.StringIO()
    call_command("reapply_erasures", str(export), stdout=out)

    assert not Enquiry.objects.filter(pk=gone.pk).exists()
    assert ErasureRecord.objects.get(enquiry_id=gone.pk).reason == "restore"
    assert out.getvalue() == "1 enquiries erased again.\n"


@pytest.mark.django_db(transaction=True)
def test_a_purge_running_while_new_enquiries_arrive_erases_only_expired_ones():
    old = {expired().pk for _ in range(40)}
    arrived: list[int] = []

    def arrive():
        for _ in range(40):
            arrived.append(make_enquiry().pk)

    def purge():
        call_command("purge_expired_enquiries", "--batch-size", "3", verbosity=0)

    assert run_at_once(arrive, purge) == []
    assert set(Enquiry.objects.values_list("pk", flat=True)) == set(arrived)
    assert set(ErasureRecord.objects.values_list("enquiry_id", flat=True)) == old
