"""The rights log: every withdrawal, objection, restriction and its lifting, and erasure,
in one append-only log that survives a restore from backup (contacts/rights/log.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from contacts.intake import confirmation
from contacts.models import (
    Consent,
    Enquiry,
    ErasureReason,
    LiftTold,
    MarketingSuppression,
    RightsEvent,
    RightsEventKind,
)
from contacts.retention.erasure import erase_enquiries
from contacts.retention.keys import nonce_key, person_key
from contacts.rights import log, restriction
from contacts.rights.selfservice import actions
from tests.contacts.factories import make_enquiry
from tests.restore import as_in_an_older_backup

pytestmark = pytest.mark.django_db


def export(path: Path) -> Path:
    call_command("export_rights_log", "--output", str(path))
    return path


def replay(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("replay_rights_log", str(path), *args, stdout=out)
    return out.getvalue()


def staff():
    return get_user_model().objects.create_user("saksbehandler", password="x" * 20)


CONSENT_FIELDS = (
    "enquiry_id",
    "purpose",
    "given",
    "withdrawn_at",
    "withdrawal_channel",
    "confirmed_at",
    "lapsed_at",
)


def state() -> dict:
    """What people's rights decide: which enquiries exist, every consent's answer and
    withdrawal, who objected to marketing, and which enquiries are restricted since when."""
    return {
        "enquiries": set(Enquiry.objects.values_list("pk", "email", "restricted_at")),
        "consents": set(Consent.objects.values_list(*CONSENT_FIELDS)),
        "suppressed": set(
            MarketingSuppression.objects.values_list("person_key", "created_at", "channel")
        ),
    }


# --- Acceptance 2: a real dump, a real restore, a replay --------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_restore_and_a_replay_give_back_every_right_exercised_since_the_backup(
    cluster, tmp_path
):
    user = staff()
    people = {
        name: make_enquiry(email=f"{name}@example.no", marketing=True)
        for name in ("withdraws", "objects", "erased", "restricted", "lifted", "untouched")
    }
    restriction.restrict(enquiry=people["lifted"], reason="Bestrider opplysningene.", actor=user)
    cluster.dump(tmp_path / "backup.dump")

    assert actions.withdraw_marketing("withdraws@example.no") == 1
    assert actions.object_to_marketing("objects@example.no")
    erase_enquiries(ids=[people["erased"].pk], reason=ErasureReason.REQUEST)
    restriction.restrict(enquiry=people["restricted"], reason="Personen ba om det.", actor=user)
    restriction.lift_restriction(
        enquiry=people["lifted"], actor=user, told=LiftTold.OTHER, told_how="Ringte personen."
    )
    before = state()
    rights_log = export(tmp_path / "rights.jsonl")

    cluster.restore(tmp_path / "backup.dump")
    assert state() != before
    # The id sequence is rewound: these get the numbers of enquiries made after the backup
    # would have had, and the erased one's is free again.
    arrived = [make_enquiry(email=f"ny-{i}@example.no", marketing=True) for i in range(2)]
    untouched = {
        "enquiries": set(
            Enquiry.objects.filter(pk__in=[e.pk for e in arrived]).values_list(
                "pk", "email", "restricted_at"
            )
        ),
        "consents": set(Consent.objects.filter(enquiry__in=arrived).values_list(*CONSENT_FIELDS)),
    }
    out = replay(rights_log)

    after = state()
    assert after["suppressed"] == before["suppressed"]
    assert after["enquiries"] == before["enquiries"] | untouched["enquiries"]
    assert after["consents"] == before["consents"] | untouched["consents"]
    assert not Enquiry.objects.filter(email="erased@example.no").exists()
    restricted = Enquiry.objects.get(email="restricted@example.no")
    assert restricted.restricted_reason == log.REPLAYED_RESTRICTION_REASON
    assert "Sletting: 1 applied again." in out
    assert "Samtykke trukket tilbake: 1 applied again." in out
    assert "Reservasjon mot markedsføring: 1 applied again." in out
    assert "Behandling begrenset: 1 applied again." in out
    assert "Begrensning opphevet: 1 applied again." in out

    # Idempotent: the events are in the restored database's log now.
    assert replay(rights_log).startswith(
        f"{len(rights_log.read_text().splitlines())} events read, 0 not in the database"
    )
    assert state() == after


# --- Recording -------------------------------------------------------------------------------


def events() -> list[tuple[str, int | None]]:
    return list(RightsEvent.objects.values_list("kind", "enquiry_id"))


def test_each_right_is_recorded_once_with_keys_that_name_its_enquiry_or_person():
    user = staff()
    enquiry = make_enquiry(email="kari@example.no", marketing=True)

    actions.withdraw_marketing("kari@example.no")
    actions.withdraw_marketing("kari@example.no")  # nothing left to withdraw
    actions.object_to_marketing("kari@example.no")
    actions.object_to_marketing("kari@example.no")
    restriction.restrict(enquiry=enquiry, reason="Bestrider.", actor=user)
    restriction.lift_restriction(enquiry=enquiry, actor=user, told=LiftTold.SITE_EMAIL)
    erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.STAFF)

    assert events() == [
        (RightsEventKind.WITHDRAWAL, enquiry.pk),
        (RightsEventKind.SUPPRESSION, None),
        (RightsEventKind.RESTRICTION, enquiry.pk),
        (RightsEventKind.RESTRICTION_LIFTED, enquiry.pk),
        (RightsEventKind.ERASURE, enquiry.pk),
    ]
    about_enquiry = RightsEvent.objects.exclude(kind=RightsEventKind.SUPPRESSION)
    assert set(about_enquiry.values_list("nonce_key", "received_at")) == {
        (nonce_key(enquiry.form_nonce), enquiry.received_at)
    }
    objection = RightsEvent.objects.get(kind=RightsEventKind.SUPPRESSION)
    assert objection.person_key == person_key("kari@example.no")
    assert RightsEvent.objects.get(kind=RightsEventKind.WITHDRAWAL).purpose == "marketing"
    assert RightsEvent.objects.get(kind=RightsEventKind.ERASURE).channel == "staff"


def test_the_log_refuses_changes_and_deletions():
    actions.object_to_marketing("kari@example.no")
    event = RightsEvent.objects.get()
    for change in (
        lambda: RightsEvent.objects.filter(pk=event.pk).update(channel="x"),
        lambda: RightsEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert RightsEvent.objects.get() == event


def test_the_export_holds_no_address_or_name(tmp_path):
    make_enquiry(name="Kari Nordmann", email="kari@example.no", marketing=True)
    actions.withdraw_marketing("kari@example.no")
    actions.object_to_marketing("kari@example.no")
    text = export(tmp_path / "rights.jsonl").read_text()
    assert len(text.splitlines()) == 2
    assert "kari" not in text.lower() and "nordmann" not in text.lower()


# --- Replaying: what is never touched ---------------------------------------------------------


def as_before(*statements: str) -> None:
    """Put the database back as a backup taken earlier would have it: its log without the
    newer events, its rows without their changes (the triggers that guard evidence are
    not what a restore goes through)."""
    as_in_an_older_backup("DELETE FROM contacts_rightsevent", *statements)


UNWITHDRAW = "UPDATE contacts_consent SET withdrawn_at = NULL, withdrawal_channel = ''"


def withdrawn(enquiry: Enquiry) -> bool:
    return Consent.objects.filter(enquiry=enquiry, withdrawn_at__isnull=False).exists()


def test_an_event_matches_no_enquiry_that_came_in_at_another_time(tmp_path):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    actions.withdraw_marketing("kari@example.no")
    rights_log = export(tmp_path / "rights.jsonl")
    as_before(UNWITHDRAW)
    line = json.loads(rights_log.read_text())
    # The same nonce and number, received a microsecond later: another submission.
    later = enquiry.received_at + dt.timedelta(microseconds=1)
    rights_log.write_text(json.dumps({**line, "received_at": later.isoformat()}) + "\n")

    out = replay(rights_log)

    assert "1 not in the database" in out and "applied again" not in out
    assert not withdrawn(enquiry)
    # The event as it was does match (a fresh id: the one above is in the log now).
    rights_log.write_text(json.dumps({**line, "event_id": str(uuid.uuid4())}) + "\n")
    assert "Samtykke trukket tilbake: 1 applied again." in replay(rights_log)
    assert withdrawn(enquiry)


def test_a_line_that_does_not_parse_stops_the_replay_before_anything_changes(tmp_path):
    make_enquiry(email="kari@example.no", marketing=True)
    actions.object_to_marketing("kari@example.no")
    rights_log = export(tmp_path / "rights.jsonl")
    good = rights_log.read_text()
    as_before("DELETE FROM contacts_marketingsuppression")
    bad_lines = (
        "not json",
        '{"format": 1, "kind": "reservasjon"}',
        '{"format": 2}',
        good.replace('"person_key": "', '"person_key": "kari@example.no').strip(),
    )
    for bad in bad_lines:
        rights_log.write_text(good + bad + "\n")
        with pytest.raises(CommandError, match=r"line 2: ") as raised:
            replay(rights_log)
        assert "kari" not in str(raised.value)  # a bad line is named, never quoted
        assert not MarketingSuppression.objects.exists()
        assert not RightsEvent.objects.exists()
    rights_log.write_text(good)
    assert "Reservasjon mot markedsføring: 1 applied again." in replay(rights_log)
    assert MarketingSuppression.objects.get().person_key == person_key("kari@example.no")


def test_a_dry_run_counts_and_changes_nothing(tmp_path):
    make_enquiry(email="kari@example.no", marketing=True)
    actions.object_to_marketing("kari@example.no")
    rights_log = export(tmp_path / "rights.jsonl")
    as_before("DELETE FROM contacts_marketingsuppression")

    out = replay(rights_log, "--dry-run")

    assert "1 not in the database (dry run: nothing changed)" in out
    assert "Reservasjon mot markedsføring: 1 applied again." in out
    assert not MarketingSuppression.objects.exists() and not RightsEvent.objects.exists()


def test_a_confirmation_and_a_lapse_are_replayed_at_their_own_times(tmp_path):
    confirmed = make_enquiry(email="ja@example.no", marketing=True)
    lapsed = make_enquiry(email="glemte@example.no", marketing=True)
    confirmation.confirm(Consent.objects.get(enquiry=confirmed, purpose="marketing"))
    later = timezone.now() + dt.timedelta(days=8)
    assert confirmation.lapse(now=later) == 1
    before = state()
    rights_log = export(tmp_path / "rights.jsonl")
    as_before("UPDATE contacts_consent SET confirmed_at = NULL, lapsed_at = NULL")
    assert state() != before

    out = replay(rights_log)

    assert "Samtykke bekreftet: 1 applied again." in out
    assert "Samtykke ikke bekreftet i tide: 1 applied again." in out
    assert state() == before
    assert Consent.objects.get(enquiry=lapsed, purpose="marketing").lapsed_at == later
