"""The suppression list (art. 21(2)): kept as a keyed hash, it takes an address out of the
CSV export and out of any marketing selection, whatever case it is typed in."""

from __future__ import annotations

import csv
import io

import pytest

from contacts.inbox import export
from contacts.models import AuditEntry, Enquiry, MarketingSuppression
from contacts.rights import suppression
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db


def exported_emails(alice, enquiries) -> list[str]:
    body = export.export_csv(ids=[e.pk for e in enquiries], actor=alice)
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    return [row["E-post"] for row in rows]


def test_the_csv_export_leaves_suppressed_addresses_out(alice):
    kari = make_enquiry(email="Kari@Example.no", marketing=True)
    again = make_enquiry(email="kari@example.no")
    ola = make_enquiry(email="ola@example.no", marketing=True)
    assert exported_emails(alice, [kari, again, ola]) == [
        "kari@example.no",  # typed Kari@Example.no: stored in its canonical form
        "kari@example.no",
        "ola@example.no",
    ]

    suppression.object_to_marketing(email=" KARI@example.NO", channel="selvbetjening")

    assert exported_emails(alice, [kari, again, ola]) == ["ola@example.no"]
    assert AuditEntry.objects.filter(action="export").latest("id").enquiry_ids == [ola.pk]


def test_the_list_holds_no_address():
    suppression.object_to_marketing(email="kari@example.no", channel="selvbetjening")

    [entry] = MarketingSuppression.objects.values()
    assert "kari" not in str(entry)


def test_objecting_twice_keeps_one_entry():
    assert suppression.object_to_marketing(email="kari@example.no", channel="telefon") is True
    assert suppression.object_to_marketing(email="KARI@example.no", channel="e-post") is False
    assert MarketingSuppression.objects.get().channel == "telefon"


def test_a_marketing_selection_leaves_out_the_suppressed_the_restricted_and_the_unconsented(
    alice,
):
    from contacts.rights.restriction import restrict

    wanted = make_enquiry(email="ja@example.no", marketing=True, confirmed=True)
    make_enquiry(email="nei@example.no")
    restricted = make_enquiry(email="begrenset@example.no", marketing=True, confirmed=True)
    restrict(enquiry=restricted, reason="Bestridt", actor=alice)
    make_enquiry(email="reservert@example.no", marketing=True, confirmed=True)
    suppression.object_to_marketing(email="reservert@example.no", channel="brev")

    assert suppression.marketing_audience() == [Enquiry.objects.get(pk=wanted.pk)]
    assert suppression.suppressed_since("RESERVERT@example.no") is not None
    assert suppression.suppressed_since("ja@example.no") is None
