"""Innsyn, retting and sletting for one person, and the audit trail they leave."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction

from contacts.inbox.triage import add_note
from contacts.models import AuditEntry, Consent, Enquiry, ErasureRecord, Note
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
PAGE = "/intern/contacts/enquiry/personvern/"
JSON = PAGE + "innsyn.json"
REPORT = PAGE + "innsyn/"
ERASE = PAGE + "slett/"


@pytest.fixture
def kari(alice) -> list[Enquiry]:
    """Two enquiries from Kari (one under another spelling of her address), one from Ola."""
    first = make_enquiry(name="Kari Nordmann", email="kari@example.no", phone="+4791234567")
    second = make_enquiry(name="Kari N.", email="KARI@example.no", phone="+4740000000")
    add_note(enquiry=first, author=alice, text="Ringte Kari.")
    make_enquiry(name="Ola", email="ola@example.no", phone="+4798765432")
    return [first, second]


def test_a_search_by_email_finds_every_enquiry_note_and_consent(client, kari):
    html = client.post(PAGE, {"email": "kari@example.no"}).content.decode()

    assert "2 henvendelser" in html
    for enquiry in kari:
        assert f"#{enquiry.pk}" in html
        assert f"/intern/contacts/enquiry/{enquiry.pk}/change/" in html  # retting
    assert "Ola" not in html
    entry = AuditEntry.objects.get(action="subject_search")
    assert entry.enquiry_ids == sorted(e.pk for e in kari) and entry.count == 2
    assert "kari" not in json.dumps(entry.enquiry_ids)


def test_a_search_by_phone_accepts_any_format(client, kari):
    html = client.post(PAGE, {"phone": "912 34 567"}).content.decode()

    assert "1 henvendelse" in html and f"#{kari[0].pk}" in html


def test_the_json_download_holds_everything_about_the_person(client, kari):
    response = client.post(JSON, {"email": "kari@example.no"})

    assert response["Content-Disposition"] == 'attachment; filename="innsyn.json"'
    data = json.loads(response.content)
    assert {e["nr"] for e in data["henvendelser"]} == {e.pk for e in kari}
    first = next(e for e in data["henvendelser"] if e["nr"] == kari[0].pk)
    assert first["navn"] == "Kari Nordmann" and first["telefon"] == "+4791234567"
    assert first["notater"][0]["tekst"] == "Ringte Kari."
    shown = Consent.objects.get(enquiry=kari[0], purpose="enquiry").label_text
    assert shown.startswith("Jeg samtykker i at")
    assert first["samtykker"][0]["tekst_som_ble_vist"] == shown
    assert AuditEntry.objects.filter(action="subject_download").count() == 1


def test_the_readable_page_shows_the_same(client, kari):
    html = client.post(REPORT, {"email": "kari@example.no"}).content.decode()

    assert '<html lang="nb">' in html
    assert "Kari Nordmann" in html and "Ringte Kari." in html


def test_erasure_asks_for_confirmation_listing_what_goes(client, kari):
    html = client.post(ERASE, {"email": "kari@example.no"}).content.decode()

    assert "Bekreft sletting" in html
    assert "1 notat(er)" in html
    assert Enquiry.objects.count() == 3


def test_erasure_removes_everything_and_leaves_records_and_an_audit_entry(client, kari):
    ids = [e.pk for e in kari]

    response = client.post(ERASE, {"email": "kari@example.no", "confirmed": "1", "ids": ids})

    assert response.status_code == 302
    assert not Enquiry.objects.filter(pk__in=ids).exists()
    assert not Consent.objects.filter(enquiry_id__in=ids).exists()
    assert not Note.objects.exists()
    assert set(ErasureRecord.objects.values_list("enquiry_id", "reason")) == {
        (i, "request") for i in ids
    }
    assert AuditEntry.objects.get(action="erasure").enquiry_ids == sorted(ids)
    assert Enquiry.objects.filter(name="Ola").exists()


def test_erasure_never_reaches_an_enquiry_the_search_for_the_person_did_not_find(client, kari):
    ola = Enquiry.objects.get(name="Ola")
    ids = [kari[0].pk, ola.pk]  # a confirmation page tampered with, or a stale one

    client.post(ERASE, {"email": "kari@example.no", "confirmed": "1", "ids": ids})

    assert not Enquiry.objects.filter(pk=kari[0].pk).exists()
    assert Enquiry.objects.filter(pk=ola.pk).exists()
    assert Enquiry.objects.filter(pk=kari[1].pk).exists()  # not confirmed, not erased
    assert list(ErasureRecord.objects.values_list("enquiry_id", flat=True)) == [kari[0].pk]


def test_the_download_and_erasure_pages_answer_only_a_valid_post(client, kari):
    for url in (JSON, REPORT, ERASE):
        assert client.get(url).status_code == 200  # the search form, nothing else
        html = client.post(url, {"email": "", "phone": ""}).content.decode()
        assert "Skriv inn en e-postadresse eller et telefonnummer." in html
    assert Enquiry.objects.count() == 3
    assert not AuditEntry.objects.exists()


def test_the_audit_log_can_be_read_but_not_changed_or_deleted_in_admin(client, kari):
    client.post(PAGE, {"email": "kari@example.no"})
    superuser = User.objects.create_superuser("root", password="pw")
    log_in_verified(client, superuser)
    entry = AuditEntry.objects.get()

    listing = client.get("/intern/contacts/auditentry/")
    change = client.post(f"/intern/contacts/auditentry/{entry.pk}/change/", {"count": "0"})
    delete = client.post(f"/intern/contacts/auditentry/{entry.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert change.status_code == 403 and delete.status_code == 403
    entry.refresh_from_db()
    assert entry.count == 2


def test_the_database_refuses_to_change_or_delete_an_audit_entry(kari, alice):
    from contacts.audit import audit

    entry = audit(actor=alice, action="export", ids=[1, 2])

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(count=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_readable_page_gives_the_art_15_information_with_whole_addresses(client, kari):
    html = client.post(REPORT, {"email": "kari@example.no"}).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    # What the person's own page tells them: purposes with their legal basis, what is kept
    # how long, where it came from, their rights and where to complain.
    assert "Rettslig grunnlag" in text and "Hvor lenge vi lagrer dem" in text
    assert "Hvor opplysningene kommer fra" in text and "Rettighetene dine" in text
    assert "Datatilsynet" in text
    # On paper a link is only as good as its address: both are whole.
    assert re.search(r'href="https?://[^/"]+/personvern/mine-opplysninger/"', html)
    assert re.search(
        r'href="https?://[^/"]+/personvern/versjoner/[^"]+">personvernerklæringen', html
    )
    assert "denne siden" not in text
