"""What the person sees: every enquiry for their address, with its
fields, received date, status in plain Norwegian, each consent's exact label, time and
notice version, the erasure date or the legal hold, and the art. 15(1) information from
the declarations of the version in force."""

from __future__ import annotations

import datetime as dt
import html as htmllib

import pytest

from contacts.inbox.triage import add_note, set_status
from contacts.models import Consent, Enquiry, SubjectRequest
from contacts.rights.selfservice import information
from contacts.templatetags.norwegian_dates import html_datetime
from privacy.registry import get_registry
from tests.selfservice.conftest import BASE

pytestmark = pytest.mark.django_db
OVERVIEW = BASE + "oversikt/"


def page(client, path: str = OVERVIEW) -> str:
    response = client.get(path, secure=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return htmllib.unescape(response.content.decode())


def test_every_enquiry_of_the_address_is_shown_with_its_fields(kari_session, kari):
    html = page(kari_session)

    for enquiry in kari:
        assert f"Henvendelse nr. {enquiry.pk}" in html
        assert enquiry.name in html and enquiry.phone in html and enquiry.email in html
    assert "Nordmann AS" in html and "Ring meg etter ti." in html
    assert "på kontaktsiden" in html  # where the form stood
    assert "Ola" not in html  # another address
    # To the second: HTML allows at most three digits of a second's fraction.
    assert f'datetime="{html_datetime(kari[0].received_at)}"' in html


def test_each_consent_shows_its_exact_label_time_and_linked_version(kari_session, kari):
    html = page(kari_session)

    for consent in Consent.objects.filter(enquiry__in=kari).select_related("notice_version"):
        assert f"«{consent.label_text}»" in html
        version = consent.notice_version.version
        assert f'<a href="/personvern/versjoner/{version}/">personvernerklæringen versjon' in html
        assert f'datetime="{html_datetime(consent.given_at)}"' in html
    assert "Markedsføring: gitt." in html and "Markedsføring: ikke gitt." in html


def test_the_erasure_date_of_each_enquiry_is_shown(kari_session, kari):
    html = page(kari_session)

    for enquiry in kari:
        assert f'datetime="{html_datetime(enquiry.retain_until)}"' in html
    assert "Slettes automatisk" in html


@pytest.mark.parametrize(
    ("status", "said"),
    [
        ("ny", "Mottatt. Vi har ikke begynt å se på den ennå."),
        ("under_behandling", "Vi arbeider med henvendelsen."),
        ("besvart", "Vi har svart deg."),
        ("lukket", "Saken er avsluttet."),
        ("spam", "Merket som uønsket post (spam)."),
    ],
)
def test_the_status_is_said_in_plain_norwegian(kari_session, kari, status, said):
    set_status(ids=[kari[0].pk], status=status, actor=None)

    assert said in page(kari_session)


def test_a_legal_hold_is_told_with_its_kind_and_review_date_but_not_its_note(
    kari_session, kari, alice
):
    Enquiry.objects.filter(pk=kari[0].pk).update(
        legal_hold_reason="Tvist med Kari om faktura 4711, advokat Hansen",
        legal_hold_review_on=dt.date(2027, 3, 1),
    )
    add_note(enquiry=kari[0], author=alice, text="Intern: ring advokaten")

    html = page(kari_session)

    assert "rettslig grunn" in html and "rettskrav" in html
    assert "1. mars 2027" in html
    assert "4711" not in html and "advokat" not in html.lower()
    assert f'href="{BASE}slett/{kari[0].pk}/"' not in html  # no erase button for it


def test_a_restriction_is_told(kari_session, kari, alice):
    from contacts.rights.restriction import restrict

    restrict(enquiry=kari[0], reason="Kari bestrider riktigheten", actor=alice)

    html = page(kari_session)
    assert "Begrenset behandling" in html and "bestrider" not in html


def test_the_art_15_information_comes_from_the_declarations_in_force(kari_session):
    html = page(kari_session)

    notice = get_registry().in_force()
    declared = notice.declarations
    informs = declared.activity(declared.form.informs[0])
    marketing = declared.activity(
        next(c.activity for c in declared.form.consents if c.purpose == "marketing")
    )
    for activity in (informs, marketing):  # Kari has a marketing consent in force
        assert activity.purpose in html
        assert activity.data in html and activity.recipients in html
        assert activity.retention in html
        for basis in activity.bases:
            assert str(basis) in html
    assert f'<a href="/personvern/versjoner/{notice.version}/">personvernerklæringen' in html
    assert "Du ga oss opplysningene selv, via kontaktskjemaet" in html
    assert "Datatilsynet" in html and 'href="https://www.datatilsynet.no/"' in html
    for right in ("Innsyn", "Retting", "Sletting", "Begrensning", "Dataportabilitet"):
        assert right in html
    # Processing the form never feeds is not listed as if it concerned this person.
    assert "Oppfylle rettslige forpliktelser" not in html


def test_marketing_is_left_out_of_the_purposes_without_a_consent_in_force(kari):
    notice = get_registry().in_force()
    ola = list(Enquiry.objects.filter(email="ola@example.no"))
    not_given = [kari[1]]

    with_consent = [p.activity.id for p in information.purposes(ola, notice)]
    without = [p.activity.id for p in information.purposes(not_given, notice)]

    assert len(with_consent) == 2 and without == with_consent[:1]
    assert information.purposes([], notice) == []


def test_after_erasing_everything_the_page_says_nothing_is_held(kari_session):
    kari_session.post(BASE + "slett/", secure=True)

    html = page(kari_session)

    assert "Vi har ingen henvendelser lagret knyttet til denne e-postadressen." in html


def test_the_print_copy_shows_the_same_data_without_the_actions(kari_session, kari):
    html = page(kari_session, BASE + "kopi/")

    assert "Kopi av dine opplysninger" in html
    for enquiry in kari:
        assert f"Henvendelse nr. {enquiry.pk}" in html
    assert "Datatilsynet" in html
    assert "/slett/" not in html and "/trekk-tilbake/" not in html


def test_opening_the_page_is_one_access_request_however_often_it_is_shown(kari_session):
    for _ in range(3):
        page(kari_session)
        page(kari_session, BASE + "kopi/")

    assert SubjectRequest.objects.filter(kind="innsyn").count() == 1


def test_without_a_session_every_page_is_a_norwegian_403(client, kari):
    for path in ("oversikt/", "kopi/", "trekk-tilbake/", "reservasjon/", "slett/", "retting/"):
        response = client.get(BASE + path, secure=True)
        assert response.status_code == 403, path
        assert "Siden er lukket" in response.content.decode()
    for path in ("trekk-tilbake/", "reservasjon/", "slett/", f"slett/{kari[0].pk}/", "last-ned/"):
        assert client.post(BASE + path, secure=True).status_code == 403, path
    assert Enquiry.objects.count() == 3
    assert Consent.objects.filter(withdrawn_at__isnull=False).count() == 0


def test_a_method_a_page_does_not_take_is_a_norwegian_405(kari_session):
    for path, method in (("oversikt/", "POST"), ("avslutt/", "GET"), ("", "PUT")):
        response = kari_session.generic(method, BASE + path, secure=True)
        assert response.status_code == 405
        assert "Det går ikke an her" in response.content.decode()
        assert response["Allow"]


def test_legal_claims_are_listed_while_an_enquiry_is_held(kari):
    notice = get_registry().in_force()
    [held, free] = kari[:2]
    Enquiry.objects.filter(pk=held.pk).update(
        legal_hold_reason="Tvist om fakturaen", legal_hold_review_on=dt.date(2027, 6, 1)
    )
    held.refresh_from_db()

    while_held = [p.activity.id for p in information.purposes([held, free], notice)]
    not_held = [p.activity.id for p in information.purposes([free], notice)]

    assert "rettskrav" in while_held and "rettskrav" not in not_held


def test_improvement_is_listed_for_what_the_person_wrote_when_a_version_declares_it(
    kari, notice_dir
):
    from tests.conftest import declarations_covering_the_map

    notice_dir.write("9.0", "2020-01-01", side_file=declarations_covering_the_map("9.0"))
    notice = get_registry().in_force()
    wrote = Enquiry.objects.filter(email="kari@example.no").exclude(message="").first()
    silent = Enquiry.objects.filter(pk=kari[0].pk).update(message="") and kari[0]
    silent.refresh_from_db()

    assert notice.version == "9.0"
    assert "forbedring" in [p.activity.id for p in information.purposes([wrote], notice)]
    assert "forbedring" not in [p.activity.id for p in information.purposes([silent], notice)]
