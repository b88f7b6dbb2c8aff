"""Restriction of processing (GDPR art. 18): staff restrict an enquiry with a reason and
lift it, both audited; while restricted it is not exported, no notification is sent, and
its status and assignee cannot change; erasure, withdrawal and access remain possible."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.db import IntegrityError, transaction

from contacts.inbox import triage
from contacts.intake import notifications
from contacts.models import (
    AuditEntry,
    Consent,
    Enquiry,
    LiftTold,
    Notification,
    RestrictionLift,
)
from contacts.restricted import RESTRICTED_MESSAGE, EnquiryRestricted
from contacts.rights import restriction
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data
from tests.queued_jobs import queued, run_queued

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"
REASON = "Den registrerte bestrider at telefonnummeret er riktig (art. 18 nr. 1 a)."


def restricted(alice, **fields) -> Enquiry:
    enquiry = make_enquiry(**fields)
    assert restriction.restrict(enquiry=enquiry, reason=REASON, actor=alice)
    return enquiry


def action(client, name: str, enquiries):
    return client.post(
        f"{ADMIN}?status=all", {"action": name, "_selected_action": [e.pk for e in enquiries]}
    )


def page_after(client, response) -> str:
    assert response.status_code == 302  # never a 500
    return client.get(response["Location"]).content.decode()


def listed(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}


def test_staff_restrict_with_a_reason_and_lift_it_both_audited(client, alice):
    enquiry = make_enquiry()
    change = client.get(f"{ADMIN}{enquiry.pk}/change/").content.decode()
    assert f"{ADMIN}{enquiry.pk}/begrens/" in change

    response = client.post(f"{ADMIN}{enquiry.pk}/begrens/", {"reason": REASON})

    assert "Behandlingen er begrenset." in page_after(client, response)
    enquiry.refresh_from_db()
    assert enquiry.restricted_reason == REASON and enquiry.restricted_at is not None
    assert AuditEntry.objects.get(action="restriction_set").enquiry_ids == [enquiry.pk]

    told = {"told": "annen_maate", "told_how": "Telefon 3. desember"}
    response = client.post(f"{ADMIN}{enquiry.pk}/opphev-begrensning/", told)

    assert "Begrensningen er opphevet." in page_after(client, response)
    enquiry.refresh_from_db()
    assert (enquiry.restricted_reason, enquiry.restricted_at) == ("", None)
    assert AuditEntry.objects.get(action="restriction_lifted").enquiry_ids == [enquiry.pk]
    lift = RestrictionLift.objects.get(enquiry=enquiry)
    assert (lift.told, lift.told_how, lift.actor) == ("annen_maate", "Telefon 3. desember", alice)
    change = client.get(f"{ADMIN}{enquiry.pk}/change/").content.decode()
    assert "Telefon 3. desember" in change


@pytest.mark.parametrize(
    ("posted", "said"),
    [
        ({}, "Velg hvordan den registrerte får vite det."),
        ({"told": "annen_maate", "told_how": "  "}, "Skriv hvordan den registrerte fikk vite"),
    ],
)
def test_a_restriction_is_not_lifted_without_saying_how_the_person_learns_it(
    client, alice, posted, said
):
    enquiry = restricted(alice)

    response = client.post(f"{ADMIN}{enquiry.pk}/opphev-begrensning/", posted)

    assert response.status_code == 200 and said in response.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.restricted_at is not None
    assert not RestrictionLift.objects.exists()
    assert not AuditEntry.objects.filter(action="restriction_lifted").exists()


def test_the_site_can_tell_the_person_by_a_short_e_mail_through_the_queue(client, alice):
    enquiry = restricted(alice, name="Kari Nordmann", message="Ring meg om tilbudet.")
    mail.outbox.clear()

    client.post(f"{ADMIN}{enquiry.pk}/opphev-begrensning/", {"told": "nettstedets_epost"})

    assert mail.outbox == []  # queued with the lift, sent by the worker
    assert len(queued("contacts.send_restriction_lifted")) == 1
    assert run_queued("contacts.send_restriction_lifted") == []
    [sent] = [m for m in mail.outbox if m.to == [enquiry.email]]
    assert sent.subject == "Begrensningen av behandlingen er opphevet"
    assert "begrensningen opphevet" in sent.body and "/personvern/mine-opplysninger/" in sent.body
    for theirs in ("Kari", "Ring meg", enquiry.email):
        assert theirs not in sent.subject + sent.body
    assert RestrictionLift.objects.get(enquiry=enquiry).told == "nettstedets_epost"


def test_no_e_mail_when_the_enquiry_was_erased_before_the_job_ran(alice):
    enquiry = restricted(alice)
    restriction.lift_restriction(enquiry=enquiry, actor=alice, told=LiftTold.SITE_EMAIL)
    enquiry.delete()
    mail.outbox.clear()

    assert run_queued("contacts.send_restriction_lifted") == []
    assert mail.outbox == []


def test_the_database_refuses_a_lift_that_does_not_say_how_the_person_was_told(alice):
    enquiry = make_enquiry()

    with pytest.raises(IntegrityError), transaction.atomic():
        RestrictionLift.objects.create(enquiry=enquiry, told=LiftTold.OTHER, told_how="")


def test_the_pages_say_what_a_restriction_means_before_anything_is_done(client, alice):
    enquiry = make_enquiry()
    to_restrict = client.get(f"{ADMIN}{enquiry.pk}/begrens/").content.decode()
    restriction.restrict(enquiry=enquiry, reason=REASON, actor=alice)
    to_lift = client.get(f"{ADMIN}{enquiry.pk}/opphev-begrensning/").content.decode()
    change = client.get(f"{ADMIN}{enquiry.pk}/change/").content.decode()

    assert "Hvorfor begrenses behandlingen?" in to_restrict
    assert "den eksporteres ikke" in to_restrict
    assert REASON in to_lift and 'value="Opphev begrensningen"' in to_lift
    assert f"{ADMIN}{enquiry.pk}/opphev-begrensning/" in change and REASON in change
    assert AuditEntry.objects.filter(action="restriction_set").count() == 1


def test_a_restriction_needs_a_reason(client, alice):
    enquiry = make_enquiry()

    response = client.post(f"{ADMIN}{enquiry.pk}/begrens/", {"reason": "  "})

    assert response.status_code == 200
    assert "Skriv hvorfor behandlingen begrenses." in response.content.decode()
    assert not Enquiry.objects.restricted().exists()
    with pytest.raises(ValueError):
        restriction.restrict(enquiry=enquiry, reason="", actor=alice)


def test_restricting_needs_its_own_permission(client):
    user = User.objects.create_user("carl", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_enquiry", "change_enquiry"])
    )
    log_in_verified(client, user)
    enquiry = make_enquiry()

    assert client.get(f"{ADMIN}{enquiry.pk}/change/").status_code == 200
    assert client.post(f"{ADMIN}{enquiry.pk}/begrens/", {"reason": REASON}).status_code == 403
    assert client.post(f"{ADMIN}{enquiry.pk}/opphev-begrensning/").status_code == 403
    assert not Enquiry.objects.restricted().exists()


def test_a_restricted_enquiry_is_left_out_of_the_csv_export(client, alice):
    kept_back = restricted(alice, name="Begrenset Person")
    exported = make_enquiry(name="Vanlig Person")

    response = action(client, "export_csv", [kept_back, exported])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [str(exported.pk)]
    assert "Begrenset Person" not in response.content.decode("utf-8-sig")
    assert AuditEntry.objects.get(action="export").enquiry_ids == [exported.pk]
    assert (
        "1 begrenset(e) henvendelse(r) ble ikke eksportert" in client.get(ADMIN).content.decode()
    )


@pytest.mark.parametrize("name", ["mark_answered", "mark_spam", "assign_to_me"])
def test_status_and_assignee_actions_are_refused_with_a_message(client, alice, name):
    enquiry = restricted(alice)
    before = Enquiry.objects.filter(pk=enquiry.pk).values().get()

    html = page_after(client, action(client, name, [enquiry]))

    assert RESTRICTED_MESSAGE in html
    assert Enquiry.objects.filter(pk=enquiry.pk).values().get() == before


def test_an_action_on_a_selection_with_a_restricted_enquiry_changes_none(client, alice):
    free = make_enquiry()
    kept = restricted(alice)

    html = page_after(client, action(client, "mark_closed", [free, kept]))

    assert f"Ingen av de valgte henvendelsene ble endret: #{kept.pk} er begrenset" in html
    assert set(Enquiry.objects.values_list("status", flat=True)) == {"ny"}


@pytest.mark.parametrize(("field", "value"), [("status", "besvart"), ("assignee", "alice")])
def test_the_change_form_refuses_status_and_assignee_changes(client, alice, field, value):
    enquiry = restricted(alice)
    before = Enquiry.objects.filter(pk=enquiry.pk).values().get()
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data[field] = [str(alice.pk) if value == "alice" else value]

    response = client.post(url, data)

    assert response.status_code == 200
    assert RESTRICTED_MESSAGE in response.content.decode()
    assert Enquiry.objects.filter(pk=enquiry.pk).values().get() == before


def test_a_correction_is_still_possible(client, alice):
    enquiry = restricted(alice, phone="+4791234567")
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["phone"] = ["+4798765432"]

    assert client.post(url, data).status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.phone == "+4798765432" and enquiry.is_restricted


def test_a_restriction_set_while_the_form_was_open_still_refuses_the_save(
    client, alice, monkeypatch
):
    """The service checks again under a lock: no 500, nothing saved, the reason shown."""
    from contacts.admin.forms import EnquiryAdminForm

    enquiry = restricted(alice)
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["status"] = ["lukket"]
    monkeypatch.setattr(EnquiryAdminForm, "clean", lambda form: form.cleaned_data)

    html = page_after(client, client.post(url, data))

    assert RESTRICTED_MESSAGE in html
    assert Enquiry.objects.get(pk=enquiry.pk).status == "ny"


def test_the_services_refuse_too(alice):
    enquiry = restricted(alice)

    with pytest.raises(EnquiryRestricted):
        triage.set_status(ids=[enquiry.pk], status="besvart", actor=alice)
    with pytest.raises(EnquiryRestricted):
        triage.assign(ids=[enquiry.pk], assignee=alice)
    enquiry.status = "lukket"
    with pytest.raises(EnquiryRestricted):
        triage.save_enquiry(enquiry=enquiry, changed=["status"], actor=alice)
    assert Enquiry.objects.get(pk=enquiry.pk).status == "ny"


def test_erasure_and_withdrawal_remain_possible(client, alice):
    withdrawing = restricted(alice, marketing=True)
    erasing = restricted(alice)
    consent = Consent.objects.get(enquiry=withdrawing, purpose="marketing")

    client.post(f"{ADMIN}samtykke/{consent.pk}/trekk-tilbake/", {"channel": "telefon"})
    client.post(
        f"{ADMIN}?status=all",
        {"action": "erase_now", "_selected_action": [erasing.pk], "post": "yes"},
    )

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not Enquiry.objects.filter(pk=erasing.pk).exists()


def test_the_person_still_gets_access_to_a_restricted_enquiry(client, alice):
    enquiry = restricted(alice, email="kari@example.no")

    data = json.loads(
        client.post(f"{ADMIN}personvern/innsyn.json", {"email": "kari@example.no"}).content
    )

    [shown] = data["henvendelser"]
    assert shown["nr"] == enquiry.pk and shown["begrunnelse_for_begrensning"] == REASON


def test_no_notification_is_sent_while_restricted_and_lifting_sends_it(alice):
    enquiry = restricted(alice)

    assert run_queued() == []
    assert notifications.send_pending_notifications() == (0, 0)

    notification = Notification.objects.get(enquiry=enquiry)
    assert (notification.state, notification.attempts) == ("pending", 0)
    assert mail.outbox == []

    restriction.lift_restriction(enquiry=enquiry, actor=alice, told=LiftTold.SITE_EMAIL)
    assert len(queued()) == 2  # the first job, ended without sending, and a new one
    assert run_queued() == []

    notification.refresh_from_db()
    assert notification.state == "sent" and len(mail.outbox) == 1


def test_the_inbox_shows_restricted_enquiries_and_filters_them(client, alice):
    kept = restricted(alice)
    free = make_enquiry()

    html = client.get(ADMIN).content.decode()
    only_restricted = client.get(ADMIN, {"begrenset": "ja"}).content.decode()
    unrestricted = client.get(ADMIN, {"begrenset": "nei"}).content.decode()

    assert html.count("<strong>Begrenset</strong>") == 1
    assert listed(only_restricted) == {kept.pk}
    assert listed(unrestricted) == {free.pk}


def test_a_restricted_enquiry_past_its_date_survives_the_purge_until_lifted(alice):
    """Art. 18(1)(b) and (c): the person asked us to keep it, or needs it for a claim."""
    from django.utils import timezone

    from contacts.retention.erasure import purge_expired

    received = timezone.now() - timezone.timedelta(days=800)
    kept = restricted(alice, received_at=received)
    other = make_enquiry(received_at=received)
    Enquiry.objects.filter(pk__in=[kept.pk, other.pk]).update(
        retain_until=received + timezone.timedelta(days=30)
    )

    first = purge_expired(now=timezone.now())
    survived = Enquiry.objects.filter(pk=kept.pk).exists()
    restriction.lift_restriction(enquiry=kept, actor=alice, told=LiftTold.OTHER, told_how="Brev")
    second = purge_expired(now=timezone.now())

    assert (first, survived) == (1, True)
    assert not Enquiry.objects.filter(pk=other.pk).exists()
    assert second == 1
    assert not Enquiry.objects.filter(pk=kept.pk).exists()


def test_the_list_says_a_restricted_enquiry_is_not_erased_until_lifted(client, alice):
    restricted(alice)

    html = client.get(f"{ADMIN}?status=all").content.decode()

    assert "begrenset: slettes ikke før begrensningen oppheves" in html
