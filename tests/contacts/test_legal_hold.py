"""A legal hold has a reason and a review date; releasing it clears both; holds whose
review date has come are listed for staff; the purge leaves held enquiries alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.inbox import triage
from contacts.models import AuditEntry, Enquiry
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"
REASON = "Tvist om leveranse: fastsette, gjøre gjeldende eller forsvare rettskrav"


def today() -> dt.date:
    return timezone.localdate()


def held(review_on: dt.date, **fields) -> Enquiry:
    return make_enquiry(legal_hold_reason=REASON, legal_hold_review_on=review_on, **fields)


def listed(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}


def change_form(client, enquiry: Enquiry, **changes: str):
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize(
    ("review_on", "problem"),
    [(None, "Sett en dato"), (dt.date(2020, 1, 1), "kan ikke ha passert")],
)
def test_the_service_refuses_a_hold_without_a_review_date_to_come(alice, review_on, problem):
    enquiry = make_enquiry()
    enquiry.legal_hold_reason, enquiry.legal_hold_review_on = REASON, review_on

    with pytest.raises(triage.LegalHoldRefused, match=problem):
        triage.save_enquiry(enquiry=enquiry, changed=["legal_hold_reason"], actor=alice)

    assert Enquiry.objects.get(pk=enquiry.pk).legal_hold_reason == ""
    assert not AuditEntry.objects.exists()


def test_the_admin_says_in_norwegian_why_and_saves_nothing(client, alice):
    enquiry = make_enquiry()

    response = change_form(client, enquiry, legal_hold_reason=REASON, legal_hold_review_on="")

    assert response.status_code == 200
    assert "Sett en dato for når den rettslige grunnen skal vurderes på nytt." in (
        response.content.decode()
    )
    assert Enquiry.objects.get(pk=enquiry.pk).legal_hold_reason == ""
    assert not AuditEntry.objects.exists()


def test_a_hold_with_a_reason_and_a_review_date_is_set_and_audited(client, alice):
    enquiry = make_enquiry()
    review_on = today() + dt.timedelta(days=90)

    response = change_form(
        client, enquiry, legal_hold_reason=REASON, legal_hold_review_on=review_on.isoformat()
    )

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.legal_hold_reason, enquiry.legal_hold_review_on) == (REASON, review_on)
    assert AuditEntry.objects.get(action="legal_hold_set").enquiry_ids == [enquiry.pk]


def test_releasing_a_hold_clears_its_review_date_and_is_audited(client, alice):
    enquiry = held(today() + dt.timedelta(days=10))

    response = change_form(client, enquiry, legal_hold_reason="")

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.legal_hold_reason, enquiry.legal_hold_review_on) == ("", None)
    assert AuditEntry.objects.get(action="legal_hold_released").enquiry_ids == [enquiry.pk]


def test_the_service_releasing_a_hold_clears_its_review_date(alice):
    enquiry = held(today() + dt.timedelta(days=10))
    enquiry.legal_hold_reason = "  "

    triage.save_enquiry(enquiry=enquiry, changed=["legal_hold_reason"], actor=alice)

    enquiry.refresh_from_db()
    assert (enquiry.legal_hold_reason, enquiry.legal_hold_review_on) == ("", None)


def test_a_new_review_date_is_audited_as_the_hold_set_again(client, alice):
    enquiry = held(today())

    change_form(client, enquiry, legal_hold_review_on=str(today() + dt.timedelta(days=180)))

    assert AuditEntry.objects.get(action="legal_hold_set").enquiry_ids == [enquiry.pk]


def test_an_overdue_hold_does_not_stop_other_edits(client, alice):
    enquiry = held(today() - dt.timedelta(days=3))

    response = change_form(client, enquiry, status="besvart")

    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == "besvart" and enquiry.legal_hold_reason == REASON
    # No hold entry; answering records contact (tests/contacts/test_callback_admin.py).
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["contact_recorded"]


def test_the_filter_lists_the_holds_whose_review_date_has_come(client, alice):
    due = [held(today()), held(today() - dt.timedelta(days=30))]
    later = held(today() + dt.timedelta(days=1))
    make_enquiry()

    html = client.get(ADMIN, {"status": "all", "rettslig_grunn": "vurderes"}).content.decode()
    every_hold = client.get(ADMIN, {"status": "all", "rettslig_grunn": "holdes"})

    assert "Til ny vurdering" in html
    assert listed(html) == {e.pk for e in due}
    assert listed(every_hold.content.decode()) == {*(e.pk for e in due), later.pk}


def test_the_admin_index_counts_the_holds_due_for_review():
    held(today() - dt.timedelta(days=1))
    held(today())
    held(today() + dt.timedelta(days=1))

    assert Enquiry.objects.index_counts(today())["holds_due"] == 2
    assert Enquiry.objects.index_counts(today() - dt.timedelta(days=1))["holds_due"] == 1


def test_a_held_enquiry_past_its_retention_date_survives_the_purge():
    now = timezone.now()
    past = {"received_at": now - dt.timedelta(days=800), "retain_until": now - dt.timedelta(1)}
    kept = held(today() - dt.timedelta(days=5), **past)  # overdue for review: still held
    gone = make_enquiry(**past)

    call_command("purge_expired_enquiries", verbosity=0)

    assert Enquiry.objects.filter(pk=kept.pk).exists()
    assert not Enquiry.objects.filter(pk=gone.pk).exists()


def test_the_admin_index_links_to_the_holds_due_for_review(client, alice):
    without = client.get("/intern/").content.decode()
    held(today() - dt.timedelta(days=1))

    html = client.get("/intern/").content.decode()

    assert "til ny vurdering" not in without
    assert re.search(
        r'href="[^"]*\?status=all&amp;rettslig_grunn=vurderes"><strong>1</strong> '
        r"rettslige grunner til ny vurdering",
        html,
    )
