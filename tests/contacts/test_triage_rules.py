"""The rules every status change obeys, whatever the path (an admin action, the change
form, the shell, a job): through the services, not only through the admin."""

from __future__ import annotations

import pytest

from contacts.inbox import triage
from contacts.intake import quarantine
from contacts.models import AuditAction, AuditEntry, Enquiry
from tests.contacts.factories import make_enquiry
from tests.contacts.test_quarantine import submission

pytestmark = pytest.mark.django_db


def contact_entries() -> list[list[int]]:
    return [e.enquiry_ids for e in AuditEntry.objects.filter(action=AuditAction.CONTACT_RECORDED)]


def test_marking_answered_records_contact_on_those_without_it():
    waiting, called = make_enquiry(), make_enquiry()
    triage.set_status(ids=[called.pk], status="under_behandling", actor=None)
    Enquiry.objects.filter(pk=called.pk).update(contacted_at=called.received_at)

    done = triage.set_status(ids=[waiting.pk, called.pk], status="besvart", actor=None)

    waiting.refresh_from_db()
    assert (done.changed, done.contacted) == (2, 1)
    assert waiting.status == "besvart"
    assert waiting.contacted_at is not None
    assert contact_entries() == [[waiting.pk]]


def test_other_statuses_record_no_contact():
    enquiry = make_enquiry()

    done = triage.set_status(ids=[enquiry.pk], status="lukket", actor=None)

    enquiry.refresh_from_db()
    assert (done.contacted, enquiry.contacted_at) == (0, None)
    assert contact_entries() == []


def test_saving_the_change_form_as_answered_records_contact(alice):
    enquiry = make_enquiry()
    enquiry.status = "besvart"

    contacted_now = triage.save_enquiry(enquiry=enquiry, changed=["status"], actor=alice)

    enquiry.refresh_from_db()
    assert contacted_now is True
    assert enquiry.contacted_at is not None
    assert contact_entries() == [[enquiry.pk]]


def test_a_contact_time_given_with_the_status_is_the_one_recorded(alice):
    enquiry = make_enquiry()
    enquiry.status, enquiry.contacted_at = "besvart", enquiry.received_at

    contacted_now = triage.save_enquiry(
        enquiry=enquiry, changed=["status", "contacted_at"], actor=alice
    )

    enquiry.refresh_from_db()
    assert contacted_now is False
    assert enquiry.contacted_at == enquiry.received_at
    assert contact_entries() == [[enquiry.pk]]


@pytest.mark.parametrize(("before", "after"), [("karantene", "besvart"), ("ny", "karantene")])
def test_the_change_form_cannot_move_an_enquiry_into_or_out_of_quarantine(alice, before, after):
    enquiry = (
        quarantine.hold(submission=submission(), reason="Sendt etter 1 sekund")
        if before == "karantene"
        else make_enquiry()
    )
    enquiry.status = after

    with pytest.raises(triage.StatusRefused):
        triage.save_enquiry(enquiry=enquiry, changed=["status"], actor=alice)

    assert Enquiry.objects.get(pk=enquiry.pk).status == before
    assert contact_entries() == []


def test_the_change_form_may_mark_a_quarantined_enquiry_as_spam(alice):
    held = quarantine.hold(submission=submission(), reason="Sendt etter 1 sekund")
    held.status = "spam"

    triage.save_enquiry(enquiry=held, changed=["status"], actor=alice)

    assert Enquiry.objects.get(pk=held.pk).status == "spam"
