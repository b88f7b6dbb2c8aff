"""The actions: each a confirmation page and a POST with its CSRF
token, each recorded; never on another person's enquiry; a GET changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from contacts.models import (
    AuditEntry,
    Consent,
    Enquiry,
    ErasureRecord,
    MarketingSuppression,
    SubjectRequest,
)
from contacts.retention.erasure import purge_expired
from contacts.retention.keys import person_key
from tests.selfservice.conftest import BASE, link_jobs, link_path, open_session, run_link_jobs

pytestmark = pytest.mark.django_db
OVERVIEW = BASE + "oversikt/"


def token(client, path: str) -> str:
    page = client.get(path).content.decode()
    return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def said(client) -> str:
    return client.get(OVERVIEW, secure=True).content.decode()


def snapshot() -> tuple:
    return (
        list(Enquiry.objects.order_by("pk").values_list("pk", "retain_until")),
        list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        MarketingSuppression.objects.count(),
        SubjectRequest.objects.count(),
        AuditEntry.objects.count(),
        ErasureRecord.objects.count(),
    )


@pytest.mark.parametrize(
    "path", ["trekk-tilbake/", "reservasjon/", "slett/", "slett/{pk}/", "retting/"]
)
def test_each_action_page_asks_before_anything_is_done(kari_session, kari, path):
    before = snapshot()

    response = kari_session.get(BASE + path.format(pk=kari[0].pk), secure=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Avbryt" in html
    assert snapshot() == before


def test_withdrawing_marketing_is_recorded_on_the_consent_by_self_service(kari_session, kari):
    marketing = Consent.objects.get(enquiry=kari[0], purpose="marketing")
    retain_until = Enquiry.objects.get(pk=kari[0].pk).retain_until
    html = kari_session.get(BASE + "trekk-tilbake/", secure=True).content.decode()
    assert f"«{marketing.label_text}»" in html

    response = kari_session.post(BASE + "trekk-tilbake/", secure=True)

    assert response.status_code == 303 and response["Location"] == OVERVIEW
    marketing.refresh_from_db()
    assert marketing.withdrawn_at is not None
    assert marketing.withdrawal_channel == "selvbetjening"
    assert Enquiry.objects.get(pk=kari[0].pk).retain_until == retain_until
    entry = AuditEntry.objects.get(action="withdrawal")
    assert entry.enquiry_ids == [kari[0].pk] and entry.actor is None
    # Ola's marketing consent is his own.
    in_force = Consent.objects.filter(purpose="marketing", given=True, withdrawn_at__isnull=True)
    assert [c.enquiry.email for c in in_force] == ["ola@example.no"]
    assert "Samtykket til markedsføring er trukket tilbake." in said(kari_session)
    assert "Markedsføring: trukket tilbake." in said(kari_session)


def test_withdrawing_twice_changes_nothing_the_second_time(kari_session):
    kari_session.post(BASE + "trekk-tilbake/", secure=True)
    before = snapshot()

    kari_session.post(BASE + "trekk-tilbake/", secure=True)

    assert snapshot() == before
    assert "Du hadde ikke noe samtykke til markedsføring" in said(kari_session)


def test_an_objection_puts_the_address_on_the_suppression_list_once(kari_session, kari):
    response = kari_session.post(BASE + "reservasjon/", secure=True)

    assert response.status_code == 303
    [entry] = MarketingSuppression.objects.all()
    assert entry.person_key == person_key("kari@example.no")
    assert entry.channel == "selvbetjening"
    [request] = SubjectRequest.objects.filter(kind="innsigelse")
    assert request.channel == "selvbetjening" and request.completed_at is not None
    assert "Du er reservert mot markedsføring fra oss." in said(kari_session)

    kari_session.post(BASE + "reservasjon/", secure=True)
    assert MarketingSuppression.objects.count() == 1
    assert SubjectRequest.objects.filter(kind="innsigelse").count() == 1
    assert "Du var allerede reservert" in said(kari_session)


def test_the_suppression_outlives_the_erasure_and_the_purge(kari_session, kari):
    kari_session.post(BASE + "reservasjon/", secure=True)
    kari_session.post(BASE + "slett/", secure=True)
    Enquiry.objects.update(
        received_at=timezone.now() - dt.timedelta(days=400),
        retain_until=timezone.now() - dt.timedelta(days=1),
    )
    purge_expired(now=timezone.now())

    assert Enquiry.objects.count() == 0
    assert MarketingSuppression.objects.filter(person_key=person_key("KARI@example.no")).exists()


def test_erasing_all_erases_every_enquiry_of_the_address_recorded_and_audited(kari_session, kari):
    response = kari_session.post(BASE + "slett/", secure=True)

    assert response.status_code == 303
    assert not Enquiry.objects.filter(email__iexact="kari@example.no").exists()
    assert Enquiry.objects.filter(email="ola@example.no").count() == 1
    records = ErasureRecord.objects.filter(enquiry_id__in=[e.pk for e in kari])
    assert {r.reason for r in records} == {"request"} and records.count() == 2
    assert AuditEntry.objects.get(action="erasure").enquiry_ids == sorted(e.pk for e in kari)
    [request] = SubjectRequest.objects.filter(kind="sletting")
    assert request.completed_at is not None and request.channel == "selvbetjening"
    assert "kari" not in request.outcome.lower()
    assert "2 henvendelser er slettet." in said(kari_session)


def test_erasing_one_erases_that_one_only(kari_session, kari):
    kari_session.post(BASE + f"slett/{kari[1].pk}/", secure=True)

    assert list(Enquiry.objects.filter(email__iexact="kari@example.no")) == [kari[0]]
    assert ErasureRecord.objects.get().enquiry_id == kari[1].pk
    assert "1 henvendelse er slettet." in said(kari_session)


def test_an_enquiry_under_a_legal_hold_is_not_erased_and_the_page_says_so(kari_session, kari):
    Enquiry.objects.filter(pk=kari[0].pk).update(
        legal_hold_reason="Tvist", legal_hold_review_on=dt.date(2027, 1, 1)
    )
    confirm = kari_session.get(BASE + "slett/", secure=True).content.decode()
    assert "Dette slettes ikke" in confirm and f"Henvendelse nr. {kari[0].pk}" in confirm

    kari_session.post(BASE + "slett/", secure=True)
    kari_session.post(BASE + f"slett/{kari[0].pk}/", secure=True)

    assert list(Enquiry.objects.filter(email__iexact="kari@example.no")) == [kari[0]]
    assert ErasureRecord.objects.count() == 1
    html = said(kari_session)
    assert f"Henvendelse nr. {kari[0].pk} ble ikke slettet" in html
    assert "Tvist" not in html
    first, second = SubjectRequest.objects.filter(kind="sletting").order_by("pk")
    assert "1 henvendelse(r) slettet; 1 beholdt" in first.outcome
    assert list(second.enquiries.all()) == [kari[0]]


def test_another_persons_enquiry_is_a_404_and_nothing_is_erased(kari_session, kari):
    ola = Enquiry.objects.get(email="ola@example.no")
    before = snapshot()

    for method in (kari_session.get, kari_session.post):
        response = method(BASE + f"slett/{ola.pk}/", secure=True)
        assert response.status_code == 404
        assert 'lang="nb"' in response.content.decode()

    assert snapshot() == before


def test_a_correction_request_is_left_open_for_staff_with_the_text(kari_session, kari):
    text = "Telefonnummeret mitt er nå 40 00 00 01."

    response = kari_session.post(BASE + "retting/", {"text": text}, secure=True)

    assert response.status_code == 303
    [request] = SubjectRequest.objects.filter(kind="retting")
    assert request.channel == "selvbetjening" and request.details == text
    assert request.completed_at is None
    assert request.due_on > timezone.localdate()
    assert set(request.enquiries.all()) == set(kari)
    assert f"svarer deg senest {request.due_on:%d.%m.%Y}" in said(kari_session)


def test_the_page_says_notes_and_history_need_a_full_access_request(kari_session):
    overview = kari_session.get(OVERVIEW, secure=True).content.decode()
    copy = kari_session.get(BASE + "kopi/", secure=True).content.decode()

    assert "Notatene våre om henvendelsene og historikken" in overview
    assert 'action="/personvern/mine-opplysninger/fullstendig-innsyn/"' in overview
    assert "Be om fullstendig innsyn" in overview
    assert "Du får dem i et fullstendig innsyn" in copy


def test_a_full_access_request_is_left_open_for_staff_once(kari_session, kari):
    first = kari_session.post(BASE + "fullstendig-innsyn/", secure=True)
    again = kari_session.post(BASE + "fullstendig-innsyn/", secure=True)

    assert (first.status_code, again.status_code) == (303, 303)
    [request] = SubjectRequest.objects.filter(kind="innsyn", completed_at__isnull=True)
    assert request.channel == "selvbetjening"
    assert request.due_on > timezone.localdate()
    assert set(request.enquiries.all()) == set(kari)
    assert f"sender den til deg senest {request.due_on:%d.%m.%Y}" in said(kari_session)


def test_a_full_access_request_needs_the_persons_session_and_a_post(kari, client):
    before = snapshot()

    without = Client().post(BASE + "fullstendig-innsyn/", secure=True)
    by_get = client.get(BASE + "fullstendig-innsyn/", secure=True)

    assert without.status_code == 403 and by_get.status_code in (403, 405)
    assert snapshot() == before


@pytest.mark.parametrize(
    "text", ["", "   ", "x" * 1001, "Rett\x00dette", "Rett\u202edette", "Rett\x1b[31m"]
)
def test_a_bad_correction_is_a_norwegian_400_and_nothing_is_recorded(kari_session, text):
    before = snapshot()

    response = kari_session.post(BASE + "retting/", {"text": text}, secure=True)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert any(s in html for s in ("Skriv hva som skal rettes", "høyst 1000", "tillatt"))
    assert snapshot() == before


@pytest.mark.parametrize(
    "path", ["trekk-tilbake/", "reservasjon/", "slett/", "slett/{pk}/", "retting/", "last-ned/"]
)
def test_a_post_without_its_csrf_token_is_a_norwegian_403_and_changes_nothing(
    kari, mailoutbox, path
):
    # Plain HTTP: over HTTPS Django would also want a Referer, which this client never sends.
    client = Client(enforce_csrf_checks=True)
    client.post(BASE, {"email": "kari@example.no", "csrfmiddlewaretoken": token(client, BASE)})
    run_link_jobs()
    link = link_path(mailoutbox[-1])
    assert client.post(link, {"csrfmiddlewaretoken": token(client, link)}).status_code == 303
    before = snapshot()

    response = client.post(BASE + path.format(pk=kari[0].pk), {"text": "x"})

    assert response.status_code == 403
    assert "Skjemaet kunne ikke sendes" in response.content.decode()
    assert snapshot() == before


def test_a_link_request_without_its_csrf_token_is_a_403_and_sends_nothing(kari, mailoutbox):
    response = Client(enforce_csrf_checks=True).post(
        BASE, {"email": "kari@example.no"}, secure=True
    )

    assert response.status_code == 403
    assert link_jobs() == []


def test_the_whole_flow_leaves_its_records_and_no_enquiry(client, kari, mailoutbox):
    """Acceptance 1, without the browser: withdraw, object, download, erase."""
    open_session(client, mailoutbox, "kari@example.no")
    client.post(BASE + "trekk-tilbake/", secure=True)
    client.post(BASE + "reservasjon/", secure=True)
    assert client.post(BASE + "last-ned/", secure=True).status_code == 200
    client.post(BASE + "slett/", secure=True)

    assert not Enquiry.objects.filter(email__iexact="kari@example.no").exists()
    assert ErasureRecord.objects.filter(reason="request").count() == 2
    assert AuditEntry.objects.filter(action="withdrawal").count() == 1
    assert MarketingSuppression.objects.filter(person_key=person_key("kari@example.no")).exists()
    kinds = SubjectRequest.objects.filter(person_key=person_key("kari@example.no"))
    assert sorted(kinds.values_list("kind", flat=True)) == [
        "dataportabilitet",
        "innsigelse",
        "innsyn",
        "sletting",
    ]
    assert all(r.completed_at for r in kinds)
