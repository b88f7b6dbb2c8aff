"""Erasure stays erased after a restore, and never reaches anyone else.

A restore rewinds the enquiry id sequence: enquiries that arrive after it get the ids of
enquiries erased since the backup. Erasure records name the erased enquiry by a keyed hash
of its form nonce, and `reapply_erasures` never applies one to an enquiry that came in
after the erasure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contacts.models import Enquiry, ErasureReason, ErasureRecord
from contacts.retention.erasure import erase_enquiries
from contacts.retention.keys import nonce_key
from tests.concurrency import run_at_once
from tests.contacts.factories import make_enquiry
from tests.restore import as_in_an_older_backup

pytestmark = pytest.mark.django_db

OLD_COLUMNS = ["enquiry_id", "erased_at", "reason"]  # exports written before nonce keys


def export(path: Path) -> Path:
    with path.open("w") as handle:
        call_command("export_erasure_records", stdout=handle)
    return path


def reapply(*args: str) -> str:
    out = io.StringIO()
    call_command("reapply_erasures", *args, stdout=out)
    return out.getvalue()


def write_csv(path: Path, columns: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def present() -> set[int]:
    return set(Enquiry.objects.values_list("pk", flat=True))


# --- Acceptance 4: a real dump, a real restore ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_loses_exactly_the_erased_enquiries_and_keeps_new_ones(
    cluster, tmp_path
):
    erased_long_ago = make_enquiry()
    erase_enquiries(ids=[erased_long_ago.pk], reason=ErasureReason.STAFF)
    in_backup = [make_enquiry(email=f"backup-{i}@example.no") for i in range(4)]
    cluster.dump(tmp_path / "backup.dump")
    after_backup = [make_enquiry(email=f"after-{i}@example.no") for i in range(4)]
    gone = [in_backup[1], after_backup[0], after_backup[2]]
    erase_enquiries(ids=[e.pk for e in gone], reason=ErasureReason.REQUEST)
    records = export(tmp_path / "erasures.csv")

    cluster.restore(tmp_path / "backup.dump")
    assert present() == {e.pk for e in in_backup}  # the erased one is back; the sequence too
    arrived = [make_enquiry(email=f"new-{i}@example.no") for i in range(5)]
    # New people now hold the numbers of the erased ones.
    assert [e.pk for e in arrived[:4]] == [e.pk for e in after_backup]
    out = reapply(str(records))

    kept = {in_backup[0].pk, in_backup[2].pk, in_backup[3].pk} | {e.pk for e in arrived}
    assert present() == kept
    assert out == "1 enquiries erased again.\n"
    assert set(Enquiry.objects.values_list("email", flat=True)) == {
        "backup-0@example.no",
        "backup-2@example.no",
        "backup-3@example.no",
        *(f"new-{i}@example.no" for i in range(5)),
    }
    again = ErasureRecord.objects.get(reason=ErasureReason.RESTORE)
    assert (again.enquiry_id, again.nonce_key) == (
        in_backup[1].pk,
        nonce_key(in_backup[1].form_nonce),
    )
    assert reapply(str(records)) == "0 enquiries erased again.\n"  # a second run: nothing more


# --- Recording an erasure ---------------------------------------------------------------------


def test_an_erasure_is_recorded_with_the_nonce_key_and_when_the_enquiry_came_in(alice):
    received = timezone.now() - dt.timedelta(days=3)
    enquiry = make_enquiry(received_at=received)

    erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.REQUEST, actor=alice)

    record = ErasureRecord.objects.get()
    assert record.enquiry_id == enquiry.pk
    assert record.nonce_key == nonce_key(enquiry.form_nonce)
    assert record.received_at == received
    assert (record.reason, record.actor) == (ErasureReason.REQUEST, alice)


@pytest.mark.django_db(transaction=True)
def test_two_erasures_of_one_enquiry_at_once_record_it_once():
    enquiry = make_enquiry()
    counts: list[int] = []

    def erase():
        counts.append(erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.STAFF))

    assert run_at_once(erase, erase) == []
    assert sorted(counts) == [0, 1]
    assert ErasureRecord.objects.filter(enquiry_id=enquiry.pk).count() == 1


def test_a_form_posted_again_after_its_erasure_is_recorded_and_erased_again_too(tmp_path):
    first = make_enquiry()
    erase_enquiries(ids=[first.pk], reason=ErasureReason.REQUEST)
    # The same form posted again: its nonce was free once the first enquiry was gone.
    second = make_enquiry()
    Enquiry.objects.filter(pk=second.pk).update(form_nonce=first.form_nonce)
    backup = Enquiry.objects.filter(pk=second.pk).values().get()
    erase_enquiries(ids=[second.pk], reason=ErasureReason.REQUEST)
    records = export(tmp_path / "erasures.csv")
    record = ErasureRecord.objects.get(enquiry_id=second.pk)
    assert (record.nonce_key, record.received_at) == ("", second.received_at)
    # A restore of a backup taken while the second was there: the first record with it.
    as_in_an_older_backup(f"DELETE FROM contacts_erasurerecord WHERE id = {record.pk}")  # noqa: S608
    Enquiry.objects.create(**backup)

    assert reapply(str(records)) == "1 enquiries erased again.\n"
    assert not Enquiry.objects.exists()


# --- Re-applying: what matches, what is refused --------------------------------------------------


def test_a_record_whose_key_matches_an_enquiry_received_after_the_erasure_is_refused(tmp_path):
    enquiry = make_enquiry(name="Kari Nordmann", email="kari@example.no")
    erased_at = enquiry.received_at - dt.timedelta(hours=1)
    records = write_csv(
        tmp_path / "erasures.csv",
        ["enquiry_id", "erased_at", "reason", "nonce_key", "received_at"],
        [[enquiry.pk, erased_at.isoformat(), "request", nonce_key(enquiry.form_nonce), ""]],
    )

    out = reapply(str(records))

    assert present() == {enquiry.pk}
    assert out == (
        "0 enquiries erased again.\n"
        "1 enquiries left alone: an erasure record matches them, but they came in after that "
        "erasure (or at another time than the erased one).\n"
    )
    assert not ErasureRecord.objects.exists()


def test_a_record_in_the_database_is_refused_alike():
    enquiry = make_enquiry()
    ErasureRecord.objects.create(
        enquiry_id=enquiry.pk,
        nonce_key=nonce_key(enquiry.form_nonce),
        received_at=enquiry.received_at - dt.timedelta(days=2),
        erased_at=enquiry.received_at - dt.timedelta(days=1),
        reason=ErasureReason.STAFF,
    )

    assert reapply().startswith("0 enquiries erased again.\n1 enquiries left alone")
    assert present() == {enquiry.pk}


def test_a_key_match_received_at_another_time_than_the_erased_enquiry_is_refused(tmp_path):
    enquiry = make_enquiry()
    row = [
        enquiry.pk,
        (enquiry.received_at + dt.timedelta(days=1)).isoformat(),
        "request",
        nonce_key(enquiry.form_nonce),
        (enquiry.received_at - dt.timedelta(seconds=1)).isoformat(),
    ]
    records = write_csv(
        tmp_path / "e.csv",
        ["enquiry_id", "erased_at", "reason", "nonce_key", "received_at"],
        [row],
    )

    assert "1 enquiries left alone" in reapply(str(records))
    assert present() == {enquiry.pk}


def test_the_same_id_with_another_key_is_not_a_match(tmp_path):
    enquiry = make_enquiry()
    erased_at = enquiry.received_at + dt.timedelta(days=1)
    records = write_csv(
        tmp_path / "erasures.csv",
        ["enquiry_id", "erased_at", "reason", "nonce_key", "received_at"],
        [[enquiry.pk, erased_at.isoformat(), "request", nonce_key("another form"), ""]],
    )

    assert reapply(str(records)) == "0 enquiries erased again.\n"
    assert present() == {enquiry.pk}


def test_a_dry_run_counts_and_changes_nothing(tmp_path):
    enquiry = make_enquiry()
    backup = Enquiry.objects.filter(pk=enquiry.pk).values().get()
    erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.REQUEST)
    records = export(tmp_path / "erasures.csv")
    as_in_an_older_backup("DELETE FROM contacts_erasurerecord")
    Enquiry.objects.create(**backup)

    assert reapply(str(records), "--dry-run") == "1 enquiries would be erased again (dry run).\n"
    assert present() == {enquiry.pk}
    assert not ErasureRecord.objects.exists()


# --- Records from before nonce keys ----------------------------------------------------------


def test_old_records_are_not_used_unless_asked_and_then_never_for_later_enquiries(tmp_path):
    restored = make_enquiry(received_at=timezone.now() - dt.timedelta(days=10))
    reusing = make_enquiry()  # holds the number of an enquiry erased before it came in
    erased_at = timezone.now() - dt.timedelta(days=5)
    records = write_csv(
        tmp_path / "old.csv",
        OLD_COLUMNS,
        [[reusing.pk, erased_at.isoformat(), "retention"]],
    )
    ErasureRecord.objects.create(enquiry_id=restored.pk, erased_at=erased_at, reason="staff")

    assert reapply(str(records)) == (
        "0 enquiries erased again.\n"
        "1 enquiries left alone: an erasure record matches them, but they came in after that "
        "erasure (or at another time than the erased one).\n"
        "1 enquiries are named, by number only, in erasure records from before nonce keys: "
        "not erased. Check them, then run again with --match-old-records-by-number.\n"
    )
    assert present() == {restored.pk, reusing.pk}

    out = reapply(str(records), "--match-old-records-by-number")

    assert out.startswith("1 enquiries erased again.\n1 enquiries left alone")
    assert present() == {reusing.pk}
    assert ErasureRecord.objects.get(reason="restore").enquiry_id == restored.pk


# --- The export and reading it -------------------------------------------------------------------


def test_the_export_carries_keys_and_times_and_nothing_about_the_person(tmp_path):
    enquiry = make_enquiry(name="Kari Nordmann", email="kari@example.no", phone="+4798765432")
    erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.REQUEST)
    record = ErasureRecord.objects.get()

    text = export(tmp_path / "erasures.csv").read_text()

    assert list(csv.reader(io.StringIO(text))) == [
        ["enquiry_id", "erased_at", "reason", "nonce_key", "received_at"],
        [
            str(enquiry.pk),
            record.erased_at.isoformat(),
            "request",
            nonce_key(enquiry.form_nonce),
            enquiry.received_at.isoformat(),
        ],
    ]
    for personal in ("Kari", "kari@", "98765432", enquiry.form_nonce):
        assert personal not in text


@pytest.mark.parametrize(
    ("columns", "bad", "message"),
    [
        (["id", "erased_at"], None, "is not an export of erasure records: it has no enquiry_id"),
        (OLD_COLUMNS, ["x1", "2026-01-01T00:00:00+00:00", "staff"], "enquiry_id is not a number"),
        (OLD_COLUMNS, ["7", "2026-01-01T00:00:00", "staff"], "erased_at is not a time with"),
        (
            ["enquiry_id", "erased_at", "reason", "nonce_key"],
            ["7", "2026-01-01T00:00:00+00:00", "staff", "Kari Nordmann"],
            "line 3: nonce_key is not a keyed hash.",
        ),
    ],
)
def test_a_file_that_does_not_read_stops_it_before_anything_is_erased(
    tmp_path, columns, bad, message
):
    enquiry = make_enquiry()
    good = [enquiry.pk, timezone.now().isoformat(), "staff", nonce_key(enquiry.form_nonce), ""]
    rows = [good[: len(columns)]] + ([bad] if bad else [])
    records = write_csv(tmp_path / "erasures.csv", columns, rows)

    with pytest.raises(CommandError, match=message) as raised:
        reapply(str(records))

    assert "Kari" not in str(raised.value)
    assert present() == {enquiry.pk}


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="Cannot read erasure records from"):
        reapply(str(tmp_path / "nowhere.csv"))


def test_the_same_form_posted_again_after_its_erasure_stores_nothing():
    from contacts.intake.shown import build_submission
    from contacts.intake.submission import submit_enquiry
    from privacy.registry import get_registry

    submission = build_submission(
        notice=get_registry().in_force(),
        nonce="en-gang-brukt",
        name="Kari",
        company="",
        email="kari@example.no",
        phone="+4791234567",
        message="",
    )
    first = submit_enquiry(submission=submission)
    erase_enquiries(ids=[first.pk], reason=ErasureReason.REQUEST)

    again = submit_enquiry(submission=submission)

    assert again is None
    assert not Enquiry.objects.exists()
