"""The JSON copy (art. 20): what the person gave us and their consents, under stable field
codes, times in ISO 8601, a schema version; it validates against the schema the site ships
and serves. Each download is recorded."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from contacts.models import AuditEntry, SubjectRequest, WithdrawalChannel
from contacts.rights import withdrawal
from contacts.rights.selfservice import portability
from tests.selfservice.conftest import BASE

pytestmark = pytest.mark.django_db
SCHEMA = json.loads(portability.SCHEMA_FILE.read_text())


def download(client) -> dict:
    response = client.post(BASE + "last-ned/", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dine-opplysninger.json"'
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_shipped_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema"]["const"] == portability.SCHEMA_VERSION


def test_the_schema_knows_every_withdrawal_channel_and_the_confirmation():
    consent = SCHEMA["$defs"]["consent"]["properties"]
    assert set(consent["withdrawal_channel"]["enum"]) == {*WithdrawalChannel.values, None}
    assert {"confirmed_at", "lapsed_at"} <= set(consent)


def test_the_download_validates_against_the_schema(kari_session, kari):
    from contacts.models import Consent

    consent = Consent.objects.get(enquiry=kari[0], purpose="marketing")
    withdrawal.record_withdrawal(consent=consent, channel="selvbetjening", actor=None)

    data = download(kari_session)

    Draft202012Validator(SCHEMA, format_checker=FormatChecker()).validate(data)
    assert data["schema"] == "dine-opplysninger/1"


def test_it_holds_what_the_person_gave_and_their_consents_under_stable_codes(kari_session, kari):
    data = download(kari_session)

    first, second = data["enquiries"]
    assert first == {
        "received_at": timezone.localtime(kari[0].received_at).isoformat(timespec="seconds"),
        "name": "Kari Nordmann",
        "company": "Nordmann AS",
        "email": "kari@example.no",
        "phone": "+4791234567",
        "message": "Ring meg etter ti.",
        "notice_version": kari[0].notice_version.version,
        "consents": first["consents"],
    }
    assert second["email"] == "kari@example.no"  # typed KARI@Example.no: stored canonical
    purposes = {c["purpose"]: c for c in first["consents"]}
    assert set(purposes) <= {"enquiry", "marketing"}  # codes, not "Markedsføring"
    assert purposes["marketing"]["given"] is True
    shown = kari[0].consents.get(purpose="marketing").label_text
    assert purposes["marketing"]["label_text"] == shown
    for time in (data["generated_at"], first["received_at"], purposes["marketing"]["given_at"]):
        assert dt.datetime.fromisoformat(time).tzinfo is not None
    # Nothing of ours: no status, notes, retention date or staff.
    flat = json.dumps(data)
    for ours in ("status", "retain", "note", "assignee", "ny"):
        assert f'"{ours}' not in flat


def test_someone_elses_data_is_not_in_it(kari_session):
    assert "ola@example.no" not in json.dumps(download(kari_session))


def test_each_download_is_a_completed_portability_request_and_audited(kari_session, kari):
    download(kari_session)

    [request] = SubjectRequest.objects.filter(kind="dataportabilitet")
    assert request.channel == "selvbetjening" and request.completed_at is not None
    assert set(request.enquiries.all()) == set(kari)
    entry = AuditEntry.objects.get(action="subject_download")
    assert entry.enquiry_ids == sorted(e.pk for e in kari)


def test_a_get_of_the_download_changes_nothing(kari_session):
    response = kari_session.get(BASE + "last-ned/", secure=True)

    assert response.status_code == 303
    assert not SubjectRequest.objects.filter(kind="dataportabilitet").exists()


def test_the_schema_is_served_to_anyone(client):
    response = client.get(BASE + "skjema/1.json", secure=True)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert json.loads(response.content) == SCHEMA
