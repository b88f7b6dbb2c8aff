"""Staff and subject requests in admin: recording one that came by phone, e-mail or letter
(from the data-subject page or the add page), its deadline in the list, the overdue count
on the index, completing and extending, and who may do it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.utils import timezone

from contacts.models import AuditEntry, SubjectRequest
from contacts.retention.keys import person_key
from contacts.rights import subject_log
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
LIST = "/intern/contacts/subjectrequest/"
ADD = LIST + "add/"
SUBJECT_PAGE = "/intern/contacts/enquiry/personvern/"
RECORD = SUBJECT_PAGE + "registrer/"
D = dt.date

TOLD = subject_log.Told(on=dt.date(2026, 12, 1), how="E-post til den registrerte")


@pytest.fixture
def bob(client) -> User:
    """Staff, but not a Saksbehandler: no permission on subject requests."""
    user = User.objects.create_user("bob", password="pw", is_staff=True)
    log_in_verified(client, user)
    return user


def open_request(received: dt.date, **fields) -> SubjectRequest:
    fields.setdefault("email", "kari@example.no")
    return subject_log.open_request(
        kind=fields.pop("kind", "innsyn"),
        channel=fields.pop("channel", "telefon"),
        received_at=dt.datetime.combine(received, dt.time(12), tzinfo=OSLO),
        **fields,
    )


def rows(html: str) -> list[str]:
    """The change list's rows, as text, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", row) for row in body.split("</tr>")[:-1]]


# --- Acceptance 5: a request logged by phone shows its due date; overdue on the index ----


@time_machine.travel(dt.datetime(2028, 2, 1, 9, tzinfo=OSLO), tick=False)
def test_a_request_logged_by_phone_shows_its_due_date(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    make_enquiry(email="kari@example.no")
    response = client.post(
        ADD,
        {
            "email": "Kari@Example.no",
            "kind": "innsyn",
            "channel": "telefon",
            "received_on": "31.01.2028",
            "details": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    created = SubjectRequest.objects.get()
    assert (created.channel, created.due_on) == ("telefon", D(2028, 2, 29))
    listed = rows(client.get(LIST).content.decode())
    assert len(listed) == 1
    assert "Telefon" in listed[0] and "31.01.2028" in listed[0] and "29.02.2028" in listed[0]
    assert "Åpen" in listed[0]


@time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=OSLO), tick=False)
def test_a_request_past_its_due_date_is_overdue_on_the_admin_index(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    late = open_request(D(2027, 2, 1))  # due 1 March
    open_request(D(2027, 3, 5))  # due 5 April
    done_late = open_request(D(2027, 1, 5))
    subject_log.complete_request(done_late, outcome="Innsyn sendt")

    html = client.get("/intern/").content.decode()

    assert re.search(r'\?status=apen"><strong>2</strong> åpne', html)
    assert re.search(r'\?status=forfalt"><strong>1</strong> over fristen', html)
    overdue = rows(client.get(LIST, {"status": "forfalt"}).content.decode())
    assert len(overdue) == 1 and f"#{late.pk}" in overdue[0] and "Over fristen" in overdue[0]


@time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=OSLO), tick=False)
def test_an_extended_deadline_counts_and_shows(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    extended = open_request(D(2027, 2, 1))  # due 1 March: overdue unless extended
    # Extended in time, on 20 February.
    subject_log.extend(
        extended, to=D(2027, 4, 1), reason="Omfattende", told=TOLD, today=D(2027, 2, 20)
    )

    html = client.get("/intern/").content.decode()

    assert re.search(r"<strong>0</strong> over fristen", html)
    assert "01.04.2027 (forlenget fra 01.03.2027)" in client.get(LIST).content.decode()


# --- The list -----------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=OSLO), tick=False)
def test_the_list_shows_open_requests_first_by_due_date_and_no_person_data(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    done = open_request(D(2027, 2, 20), details="Rett navnet mitt til Kari Nordmann.")
    subject_log.complete_request(done, outcome="Rettet")
    later = open_request(D(2027, 3, 9), kind="sletting", channel="brev")
    sooner = open_request(D(2027, 3, 1), kind="retting", channel="e-post")

    html = client.get(LIST).content.decode()

    numbers = [re.search(r"#(\d+)", row).group(1) for row in rows(html)]
    assert numbers == [str(sooner.pk), str(later.pk), str(done.pk)]
    assert "Fullført 10.03.2027" in rows(html)[2]
    assert "Kari Nordmann" not in html and done.person_key[:8] not in html
    page = client.get(f"{LIST}{done.pk}/change/").content.decode()
    assert "Rett navnet mitt til Kari Nordmann." in page
    assert done.person_key not in page  # a short prefix at most


@time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=OSLO), tick=False)
def test_the_list_filters_by_status_kind_and_channel(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    phoned = open_request(D(2027, 3, 8), kind="innsyn", channel="telefon")
    written = open_request(D(2027, 3, 8), kind="sletting", channel="brev")
    done = open_request(D(2027, 3, 8))
    subject_log.complete_request(done, outcome="Innsyn sendt")

    def listed(**query) -> set[str]:
        html = client.get(LIST, query).content.decode()
        return {re.search(r"#(\d+)", row).group(1) for row in rows(html)}

    assert listed(status="fullfort") == {str(done.pk)}
    assert listed(status="apen") == {str(phoned.pk), str(written.pk)}
    assert listed(kind="sletting") == {str(written.pk)}
    assert listed(channel="telefon") == {str(phoned.pk), str(done.pk)}


# --- Recording from the data-subject page -------------------------------------------------


@time_machine.travel(dt.datetime(2027, 3, 10, 9, tzinfo=OSLO), tick=False)
def test_recording_from_the_data_subject_page_links_the_enquiries_found(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    karis = [make_enquiry(email="kari@example.no"), make_enquiry(email="KARI@example.no")]
    make_enquiry(email="ola@example.no")
    page = client.post(SUBJECT_PAGE, {"email": "kari@example.no"}).content.decode()
    assert "Registrer forespørsel" in page and 'name="sr-kind"' in page

    response = client.post(
        RECORD,
        {
            "email": "kari@example.no",
            "phone": "",
            "sr-kind": "retting",
            "sr-channel": "e-post",
            "sr-received_on": "09.03.2027",
            "sr-details": "Telefonnummeret er feil.",
        },
    )

    created = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{created.pk}/change/"
    assert set(created.enquiries.all()) == set(karis)
    assert created.person_key == person_key("kari@example.no")
    assert (created.kind, created.channel, created.due_on) == ("retting", "e-post", D(2027, 4, 9))
    assert created.details == "Telefonnummeret er feil." and created.recorded_by == alice
    entry = AuditEntry.objects.get(action="subject_request_recorded")
    assert entry.actor == alice and entry.enquiry_ids == sorted(e.pk for e in karis)
    shown = client.get(response["Location"]).content.decode()
    assert "09.04.2027" in shown and "Telefonnummeret er feil." in shown


def yesterday() -> str:
    return f"{timezone.localdate() - dt.timedelta(days=1):%d.%m.%Y}"


def test_recording_needs_the_address_searched_for(client, alice):
    make_enquiry(email="kari@example.no", phone="+4791234567")
    data = {"email": "", "phone": "912 34 567", "sr-kind": "innsyn", "sr-channel": "telefon"}

    html = client.post(RECORD, {**data, "sr-received_on": yesterday()}).content.decode()

    assert "Søk på personens e-postadresse for å registrere en forespørsel" in html
    assert not SubjectRequest.objects.exists()


def test_a_received_date_in_the_future_is_refused_with_the_input_kept(client, alice):
    data = {"email": "kari@example.no", "sr-kind": "innsyn", "sr-channel": "brev"}

    response = client.post(RECORD, {**data, "sr-received_on": "01.01.2999"})

    assert response.status_code == 200
    assert "kan ikke være frem i tid" in response.content.decode()
    assert not SubjectRequest.objects.exists()


def test_staff_cannot_record_a_self_service_request(client, alice):
    data = {"email": "kari@example.no", "kind": "innsyn", "channel": "selvbetjening"}

    response = client.post(ADD, {**data, "received_on": yesterday()})

    assert response.status_code == 200 and not SubjectRequest.objects.exists()
    assert "Velg et gyldig valg" in response.content.decode()


# --- Completing and extending -------------------------------------------------------------


def test_completing_records_the_outcome_and_is_audited(client, alice):
    created = open_request(D(2027, 1, 10), enquiry_ids=[make_enquiry().pk])
    url = f"{LIST}{created.pk}/fullfor/"

    refused = client.post(url, {"outcome": ""})
    assert refused.status_code == 200 and "Skriv kort hva utfallet ble" in refused.content.decode()
    done = client.post(url, {"outcome": "Innsyn sendt på e-post"})

    assert done.status_code == 302
    created.refresh_from_db()
    assert created.completed_at is not None and created.outcome == "Innsyn sendt på e-post"
    assert AuditEntry.objects.filter(action="subject_request_completed", actor=alice).count() == 1
    again = client.post(url, {"outcome": "Noe annet"}, follow=True).content.decode()
    assert "allerede fullført" in again
    created.refresh_from_db()
    assert created.outcome == "Innsyn sendt på e-post"


@time_machine.travel(dt.datetime(2027, 1, 20, 9, tzinfo=OSLO), tick=False)
def test_extending_follows_the_rules_and_says_why_in_norwegian(client, alice):
    log_in_verified(client, alice)  # a session from before the travel has expired
    created = open_request(D(2027, 1, 10))  # due 10 February, at most 10 April
    url = f"{LIST}{created.pk}/forleng/"

    form = client.get(url).content.decode()
    assert "senest 10.04.2027" in form
    told = {"told_on": "19.01.2027", "told_how": "E-post til den registrerte"}
    too_far = client.post(url, {"to": "11.04.2027", "reason": "Omfattende", **told})
    assert too_far.status_code == 200 and "senest 10.04.2027" in too_far.content.decode()
    no_reason = client.post(url, {"to": "01.03.2027", "reason": " ", **told})
    assert no_reason.status_code == 200 and "Skriv hvorfor" in no_reason.content.decode()
    untold = client.post(url, {"to": "01.03.2027", "reason": "Omfattende"})
    assert untold.status_code == 200 and "Skriv hvordan" in untold.content.decode()
    extended = client.post(url, {"to": "10.04.2027", "reason": "Omfattende", **told})
    assert extended.status_code == 302
    twice = client.post(url, {"to": "01.04.2027", "reason": "Igjen", **told})

    assert twice.status_code == 200 and "bare forlenges én gang" in twice.content.decode()
    created.refresh_from_db()
    assert (created.extended_to, created.extension_reason) == (D(2027, 4, 10), "Omfattende")
    assert created.extension_told_on == D(2027, 1, 19)
    assert created.extension_told_how == "E-post til den registrerte"
    shown = client.get(f"{LIST}{created.pk}/change/").content.decode()
    assert "Slik fikk den registrerte vite" in shown and "E-post til den registrerte" in shown
    assert AuditEntry.objects.filter(action="subject_request_extended").count() == 1


# --- Permissions --------------------------------------------------------------------------


@time_machine.travel(dt.datetime(2027, 2, 11, 9, tzinfo=OSLO), tick=False)
def test_an_extension_after_the_deadline_is_refused_with_a_clear_message(client, alice):
    log_in_verified(client, alice)
    created = open_request(D(2027, 1, 10))  # due 10 February: yesterday
    told = {"told_on": "11.02.2027", "told_how": "Telefon"}

    late = client.post(
        f"{LIST}{created.pk}/forleng/", {"to": "10.03.2027", "reason": "Omfattende", **told}
    )

    assert late.status_code == 200
    assert "Fristen gikk ut 10.02.2027" in late.content.decode()
    created.refresh_from_db()
    assert created.extended_to is None
    assert not AuditEntry.objects.filter(action="subject_request_extended").exists()


def test_staff_without_the_permissions_cannot_record_complete_or_extend(client, bob):
    created = open_request(D(2027, 1, 10))
    bob.user_permissions.add(
        Permission.objects.get(codename="handle_data_subject_requests"),
        Permission.objects.get(codename="view_subjectrequest"),
    )
    record = {"email": "kari@example.no", "sr-kind": "innsyn", "sr-channel": "brev"}

    assert client.post(RECORD, {**record, "sr-received_on": "01.01.2027"}).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.post(f"{LIST}{created.pk}/fullfor/", {"outcome": "Ok"}).status_code == 403
    extended = client.post(f"{LIST}{created.pk}/forleng/", {"to": "01.03.2027", "reason": "X"})
    assert extended.status_code == 403
    page = client.get(f"{LIST}{created.pk}/change/").content.decode()  # may look

    assert "Marker som fullført" in page  # the link is there; the page behind it refuses
    created.refresh_from_db()
    assert created.completed_at is None and created.extended_to is None
    assert SubjectRequest.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="subject_request").exists()


def test_staff_without_view_permission_see_no_counts_and_no_list(client, bob):
    bob.user_permissions.add(Permission.objects.get(codename="view_enquiry"))
    open_request(D(2027, 1, 10))

    assert "Forespørsler fra registrerte" not in client.get("/intern/").content.decode()
    assert client.get(LIST).status_code == 403


def test_nobody_deletes_a_request(client, alice):
    created = open_request(D(2027, 1, 10))

    assert client.post(f"{LIST}{created.pk}/delete/", {"post": "yes"}).status_code == 403
    assert SubjectRequest.objects.filter(pk=created.pk).exists()
