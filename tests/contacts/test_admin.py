"""Staff triage in admin, as a "Saksbehandler" and as staff outside that group."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import AuditEntry, Consent, Enquiry, Note
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"


@pytest.fixture
def bob(client) -> User:
    """Staff, but not a Saksbehandler."""
    user = User.objects.create_user("bob", password="pw", is_staff=True)
    log_in_verified(client, user)
    return user


def listed(response) -> set[int]:
    html = response.content.decode()
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)}


def action(client, name: str, enquiries, **extra):
    return client.post(
        ADMIN,
        {"action": name, "_selected_action": [e.pk for e in enquiries], **extra},
        follow=False,
    )


def test_the_inbox_defaults_to_open_enquiries(client, alice):
    new = make_enquiry()
    in_progress = make_enquiry(status="under_behandling")
    closed = make_enquiry(status="lukket")

    default = client.get(ADMIN)
    everything = client.get(ADMIN, {"status": "all"})

    assert default.status_code == 200
    assert listed(default) == {new.pk, in_progress.pk}
    assert listed(everything) == {new.pk, in_progress.pk, closed.pk}


def test_the_inbox_shows_contact_links_and_marketing_consent(client, alice):
    make_enquiry(email="kari@example.no", phone="+4791234567", marketing=True, confirmed=True)
    make_enquiry(email="ola@example.no")

    html = client.get(ADMIN).content.decode()

    assert 'href="mailto:kari@example.no"' in html
    assert 'href="tel:+4791234567"' in html
    # One marketing consent in force, one without: one "yes" and one "no" icon.
    assert html.count("icon-yes") == 1 and html.count("icon-no") == 1


@pytest.mark.parametrize("typed", ["912 34 567", "+47 912 34 567", "0047 91234567", "91234567"])
def test_a_phone_search_finds_the_number_however_it_is_typed(client, alice, typed):
    wanted = make_enquiry(phone="+4791234567")
    make_enquiry(phone="+4798765432")

    assert listed(client.get(ADMIN, {"q": typed})) == {wanted.pk}


def test_the_assignee_filter_knows_me_and_nobody(client, alice):
    mine = make_enquiry(assignee=alice)
    nobodys = make_enquiry()

    assert listed(client.get(ADMIN, {"saksbehandler": "meg"})) == {mine.pk}
    assert listed(client.get(ADMIN, {"saksbehandler": "ingen"})) == {nobodys.pk}


def test_assigning_to_me_and_setting_a_status_move_the_retention_date(client, alice, settings):
    settings.CONTACTS_RETENTION_DAYS = 365
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    long_ago = timezone.now() - dt.timedelta(days=500)
    enquiry = make_enquiry(received_at=long_ago)

    action(client, "assign_to_me", [enquiry])
    action(client, "mark_answered", [enquiry])

    enquiry.refresh_from_db()
    assert enquiry.assignee == alice
    assert enquiry.status == "besvart"
    assert enquiry.last_activity_at > long_ago + dt.timedelta(days=499)
    # 365 days after the activity would be past the maximum: capped at 730 after receipt.
    assert enquiry.retain_until == long_ago + dt.timedelta(days=730)


def test_an_action_reports_how_many_it_changed(client, alice):
    enquiries = [make_enquiry() for _ in range(3)]

    response = action(client, "mark_in_progress", enquiries)
    page = client.get(response["Location"]).content.decode()

    assert "3 henvendelse(r) satt til «Under behandling»." in page


def test_a_note_is_added_through_the_change_form(client, alice):
    enquiry = make_enquiry()
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["notes-0-text"] = ["Ringte tilbake, avtalt møte."]
    data["status"] = ["besvart"]

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    note = Note.objects.get(enquiry=enquiry)
    assert (note.author, note.text) == (alice, "Ringte tilbake, avtalt møte.")
    enquiry.refresh_from_db()
    assert enquiry.status == "besvart"


def test_consent_evidence_cannot_be_changed_through_the_admin_form(client, alice):
    enquiry = make_enquiry()
    consent = Consent.objects.get(enquiry=enquiry, purpose="enquiry")
    before = (consent.label_text, consent.given, consent.given_at, consent.notice_version_id)
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data.update(
        {
            "consents-0-label_text": ["Noe annet"],
            "consents-0-given": [""],
            "consents-0-given_at_0": ["2020-01-01"],
            "consents-0-withdrawn_at_0": ["2020-01-01"],
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    consent.refresh_from_db()
    assert (
        consent.label_text,
        consent.given,
        consent.given_at,
        consent.notice_version_id,
    ) == before
    assert consent.withdrawn_at is None


def test_staff_record_a_withdrawal_and_the_system_sets_time_and_channel(client, alice):
    enquiry = make_enquiry(marketing=True)
    consent = Consent.objects.get(enquiry=enquiry, purpose="marketing")
    shown = consent.label_text

    response = client.post(f"{ADMIN}samtykke/{consent.pk}/trekk-tilbake/", {"channel": "e-post"})

    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_channel == "e-post"
    assert consent.label_text == shown
    assert AuditEntry.objects.filter(action="withdrawal", enquiry_ids=[enquiry.pk]).exists()


def test_a_legal_hold_is_audited_and_keeps_the_enquiry_from_the_purge(client, alice):
    from django.core.management import call_command

    now = timezone.now()
    enquiry = make_enquiry(
        received_at=now - dt.timedelta(days=800), retain_until=now - dt.timedelta(days=1)
    )
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["legal_hold_reason"] = [
        "Tvist om leveranse: fastsette, gjøre gjeldende eller forsvare rettskrav"
    ]
    data["legal_hold_review_on"] = [(timezone.localdate() + dt.timedelta(days=90)).isoformat()]

    client.post(url, data)
    call_command("purge_expired_enquiries", verbosity=0)

    assert Enquiry.objects.filter(pk=enquiry.pk).exists()
    assert AuditEntry.objects.get(action="legal_hold_set").enquiry_ids == [enquiry.pk]


def test_csv_export_has_a_bom_keeps_norwegian_letters_and_neutralises_formulas(client, alice):
    enquiries = [
        make_enquiry(name="Åse Ærlig Øvrebø", company="Blåbær AS"),
        make_enquiry(name='=HYPERLINK("http://evil.example")', company="@SUM(1)"),
    ]

    response = action(client, "export_csv", enquiries)

    body = response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    names = {row[2] for row in rows[1:]}
    assert "Åse Ærlig Øvrebø" in names
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert "'@SUM(1)" in {row[3] for row in rows[1:]}
    assert AuditEntry.objects.get(action="export").count == 2


def test_staff_outside_the_group_cannot_triage(client, bob):
    enquiry = make_enquiry()

    assert client.get(ADMIN).status_code == 403
    assert client.get(f"{ADMIN}{enquiry.pk}/change/").status_code == 403
    assert client.post(f"{ADMIN}personvern/", {"email": enquiry.email}).status_code == 403
    assert action(client, "export_csv", [enquiry]).status_code == 403


def test_the_change_list_runs_the_same_number_of_queries_for_5_and_200_enquiries(client, alice):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(ADMIN, {"status": "all"}).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        make_enquiry(assignee=alice)
    few = queries()
    for _ in range(195):
        make_enquiry(assignee=alice)
    many = queries()

    assert few == many


def test_the_admin_index_shows_new_and_unassigned_counts(client, alice):
    make_enquiry()
    make_enquiry(assignee=alice)
    make_enquiry(status="lukket")

    html = client.get("/intern/").content.decode()

    assert "<strong>2</strong> nye" in html
    assert "<strong>1</strong> åpne uten saksbehandler" in html


def test_only_superusers_change_group_membership(client, alice):
    alice.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    other = User.objects.create_user("carl", is_staff=True)
    url = f"/intern/auth/user/{other.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="user_form")
    data["groups"] = [str(Group.objects.get(name="Saksbehandler").pk)]

    client.post(url, data)

    assert not other.groups.exists()
