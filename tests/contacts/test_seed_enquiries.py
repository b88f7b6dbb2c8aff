"""The benchmark seed stores enquiries exactly as the intake service does, only faster."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from contacts.models import Enquiry
from contacts.retention.rules import retention_date
from tests.contacts.factories import make_enquiry

# The seed ends with VACUUM, which cannot run inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def shape(enquiry: Enquiry) -> dict:
    """What the service decides for an enquiry, apart from what the visitor typed."""
    return {
        "retained_by_the_rule": enquiry.retain_until
        == retention_date(enquiry.received_at, enquiry.last_activity_at),
        "consents": sorted(
            (c.purpose, c.label_text, c.notice_version_id, c.given_at == enquiry.received_at)
            for c in enquiry.consents.all()
        ),
        "shown": (enquiry.notice_version_id, enquiry.information_text, enquiry.form_location),
        "notifications": 1 if hasattr(enquiry, "notification") else 0,
        "active_when_received": enquiry.last_activity_at == enquiry.received_at,
        "callback_due_after_receipt": enquiry.callback_due_at is not None
        and enquiry.callback_due_at > enquiry.received_at,
    }


@pytest.mark.parametrize("expired", [False, True])
def test_seeded_enquiries_have_the_shape_of_enquiries_from_the_form(settings, expired):
    settings.DEBUG = True
    from_form = make_enquiry(location="kontakt")

    call_command("seed_enquiries", "6", *(["--expired"] if expired else []), verbosity=0)

    seeded = Enquiry.objects.exclude(pk=from_form.pk)
    assert seeded.count() == 6
    expected = shape(from_form)
    assert expected["retained_by_the_rule"] and len(expected["consents"]) == 2
    assert expected["shown"][0] is not None and expected["shown"][1]
    for enquiry in seeded:
        assert shape(enquiry) == expected
    assert seeded.expired(from_form.received_at).exists() == expired
    # Calls made on the answered and closed ones only, so the inbox has calls to make.
    for enquiry in seeded:
        called = enquiry.status in ("besvart", "lukket")
        assert (enquiry.contacted_at is not None) == called, enquiry.status
