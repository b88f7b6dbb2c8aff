"""The CSV export carries, per marketing consent in force, when it was given and under
which notice version: a mailing list built from it can still show its consent."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from contacts.inbox import export
from contacts.models import Consent
from contacts.rights import withdrawal
from privacy.registry import get_registry
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
GIVEN = dt.datetime(2026, 6, 1, 10, 30, tzinfo=ZoneInfo("Europe/Oslo"))


def exported(alice, enquiries) -> dict[str, dict[str, str]]:
    body = export.export_csv(ids=[e.pk for e in enquiries], actor=alice)
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    return {row["Nr."]: row for row in rows}


def test_each_marketing_consent_in_force_comes_with_its_time_and_version(alice):
    consenting = make_enquiry(marketing=True, confirmed=True, received_at=GIVEN)
    not_asked = make_enquiry(received_at=GIVEN)
    withdrawn = make_enquiry(marketing=True, confirmed=True, received_at=GIVEN)
    withdrawal.record_withdrawal(
        consent=Consent.objects.get(enquiry=withdrawn, purpose="marketing"),
        channel="e-post",
        actor=alice,
    )

    rows = exported(alice, [consenting, not_asked, withdrawn])

    version = get_registry().in_force().version
    given = {
        pk: (row["Samtykke til markedsføring"], row["Markedsføring samtykke gitt"])
        for pk, row in rows.items()
    }
    assert given == {
        str(consenting.pk): ("Ja", "2026-06-01 10:30"),
        str(not_asked.pk): ("Nei", ""),
        str(withdrawn.pk): ("Nei", ""),
    }
    assert rows[str(consenting.pk)]["Markedsføring samtykke versjon"] == version
    assert rows[str(not_asked.pk)]["Markedsføring samtykke versjon"] == ""
    assert rows[str(withdrawn.pk)]["Markedsføring samtykke versjon"] == ""
