"""Confirmed marketing consent (double opt-in, contacts/intake/confirmation.py): a box
ticked with someone's address is not a consent until that address's owner confirms it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.dates import short_datetime
from contacts.inbox import export
from contacts.intake import confirmation, consent_links, quarantine
from contacts.intake.shown import build_submission
from contacts.models import AuditAction, AuditEntry, Consent, RightsEvent, RightsEventKind
from contacts.rights import suppression
from contacts.templatetags.norwegian_dates import html_datetime
from privacy.registry import get_registry
from tests.contacts.factories import make_enquiry
from tests.queued_jobs import queued, run_queued

pytestmark = pytest.mark.django_db

TASK = "contacts.send_marketing_confirmation"


def marketing(enquiry) -> Consent:
    return Consent.objects.select_related("enquiry").get(enquiry=enquiry, purpose="marketing")


def link(action: str, consent: Consent) -> str:
    token = consent_links.token(action, consent.pk, consent.enquiry.form_nonce)
    name = consent_links.URL_NAMES[action]
    return reverse(name, args=[consent.pk, token])


def exported(alice, *enquiries) -> dict[str, dict[str, str]]:
    body = export.export_csv(ids=[e.pk for e in enquiries], actor=alice)
    rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    return {row["E-post"]: row for row in rows}


def test_a_ticked_box_waits_for_its_confirmation_and_the_enquiry_does_not(alice, mailoutbox):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    consent = marketing(enquiry)

    assert consent.awaiting_confirmation and not consent.in_force
    assert consent.confirm_by == consent.given_at + dt.timedelta(days=7)
    assert len(queued("contacts.send_notification")) == 1  # staff are told at once
    row = exported(alice, enquiry)["kari@example.no"]
    assert row["Samtykke til markedsføring"] == "Nei"
    assert row["Lenke for å trekke tilbake samtykket"] == ""
    assert suppression.marketing_audience() == []

    assert run_queued(TASK) == []
    [mail] = mailoutbox
    assert mail.to == ["kari@example.no"]
    assert "kari" not in mail.subject.lower()
    assert consent.label_text in mail.body
    assert link(consent_links.CONFIRM, consent) in mail.body
    assert link(consent_links.WITHDRAW, consent) in mail.body


def test_no_confirmation_is_asked_when_the_box_was_not_ticked():
    enquiry = make_enquiry(email="kari@example.no")
    assert marketing(enquiry).confirm_by is None
    assert queued(TASK) == []


def test_confirming_puts_the_consent_in_force_with_its_time_in_the_evidence(alice):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    consent = marketing(enquiry)
    page = link(consent_links.CONFIRM, consent)

    assert "Bekreft samtykket</button>" in Client().get(page).content.decode()
    assert marketing(enquiry).confirmed_at is None  # a GET confirms nothing
    response = Client(enforce_csrf_checks=True).post(page)

    assert response.status_code == 200 and response.cookies == {}
    assert "Samtykket er bekreftet" in response.content.decode()
    consent = marketing(enquiry)
    assert consent.in_force and consent.confirmed_at is not None
    row = exported(alice, enquiry)["kari@example.no"]
    assert row["Samtykke til markedsføring"] == "Ja"
    assert row["Lenke for å trekke tilbake samtykket"].endswith(
        link(consent_links.WITHDRAW, consent)
    )
    event = RightsEvent.objects.get(kind=RightsEventKind.CONFIRMATION)
    assert (event.at, event.enquiry_id, event.purpose) == (
        consent.confirmed_at,
        enquiry.pk,
        "marketing",
    )
    assert AuditEntry.objects.filter(action=AuditAction.CONSENT_CONFIRMED).count() == 1
    Client().post(page)  # again: nothing more
    assert RightsEvent.objects.filter(kind=RightsEventKind.CONFIRMATION).count() == 1


def test_unconfirmed_after_seven_days_it_lapses_recorded_and_cannot_be_confirmed(alice):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    consent = marketing(enquiry)
    page = link(consent_links.CONFIRM, consent)

    with time_machine.travel(consent.given_at + dt.timedelta(days=6, hours=23)):
        assert confirmation.lapse() == 0
    with time_machine.travel(consent.given_at + dt.timedelta(days=7, minutes=1)):
        assert confirmation.lapse() == 1
        assert confirmation.lapse() == 0
        response = Client().post(page)

    assert "Fristen for å bekrefte er ute" in response.content.decode()
    consent = marketing(enquiry)
    assert consent.lapsed_at is not None and consent.confirmed_at is None
    assert not consent.in_force and not consent.awaiting_confirmation
    assert exported(alice, enquiry)["kari@example.no"]["Samtykke til markedsføring"] == "Nei"
    assert RightsEvent.objects.filter(kind=RightsEventKind.LAPSE).count() == 1
    assert not RightsEvent.objects.filter(kind=RightsEventKind.CONFIRMATION).exists()


def test_the_evidence_takes_one_confirmation_or_lapse_and_nothing_else():
    consent = marketing(make_enquiry(email="kari@example.no", marketing=True))
    confirmation.confirm(consent)
    for change in (
        {"confirmed_at": timezone.now() + dt.timedelta(hours=1)},
        {"lapsed_at": timezone.now()},
        {"confirmed_at": None},
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            Consent.objects.filter(pk=consent.pk).update(**change)


def test_the_admin_says_venter_paa_bekreftelse_until_confirmed(client, alice):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    changelist = reverse("admin:contacts_enquiry_changelist")
    assert "venter på bekreftelse" in client.get(changelist).content.decode()
    confirmation.confirm(marketing(enquiry))
    assert "venter på bekreftelse" not in client.get(changelist).content.decode()


def test_a_quarantined_post_is_asked_to_confirm_only_once_staff_let_it_in(alice):
    ticked = build_submission(
        notice=get_registry().in_force(),
        nonce="n-quarantine",
        name="Kari Nordmann",
        company="",
        email="kari@example.no",
        phone="+4791234567",
        message="",
    )
    ticked = dataclasses.replace(ticked, consents={**ticked.consents, "marketing": True})
    enquiry = quarantine.hold(submission=ticked, reason="Sendt for raskt")
    assert marketing(enquiry).awaiting_confirmation
    assert queued(TASK) == []

    quarantine.release(ids=[enquiry.pk], actor=alice)

    assert [job.args for job in queued(TASK)] == [{"consent_id": marketing(enquiry).pk}]


def test_the_e_mail_is_not_sent_once_nothing_awaits_it(mailoutbox):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    confirmation.confirm(marketing(enquiry))
    assert run_queued(TASK) == []
    assert mailoutbox == []


def test_the_enquiry_page_and_the_persons_own_page_show_where_the_confirmation_stands(
    client, alice
):
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    page = reverse("admin:contacts_enquiry_change", args=[enquiry.pk])
    assert "venter på bekreftelse (innen" in client.get(page).content.decode()
    shown = render_to_string("selfservice/_enquiries.html", {"enquiries": [enquiry]})
    assert "venter på at du bekrefter det" in shown

    confirmation.confirm(marketing(enquiry))
    confirmed_at = marketing(enquiry).confirmed_at
    assert short_datetime(confirmed_at) in client.get(page).content.decode()
    shown = render_to_string("selfservice/_enquiries.html", {"enquiries": [enquiry]})
    assert f'Bekreftet <time datetime="{html_datetime(confirmed_at)}"' in shown
