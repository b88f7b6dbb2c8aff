"""Withdrawal in one click (art. 7(3)): every marketing consent's own signed link. A GET
changes nothing; a POST, the page's button or a mail program's RFC 8058 one-click POST
without cookies, withdraws the consent and suppresses the address."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contacts.inbox import export
from contacts.intake import confirmation, consent_links
from contacts.models import (
    AuditAction,
    AuditEntry,
    Consent,
    MarketingSuppression,
    RightsEvent,
    RightsEventKind,
    SubjectRequest,
)
from contacts.retention.keys import person_key
from contacts.rights import withdrawal
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def signed(consent_id: int, form_nonce: str) -> str:
    return consent_links.token(consent_links.WITHDRAW, consent_id, form_nonce)


@pytest.fixture
def consent() -> Consent:
    enquiry = make_enquiry(email="kari@example.no", marketing=True)
    return Consent.objects.get(enquiry=enquiry, purpose="marketing")


def path_of(consent: Consent) -> str:
    return reverse(
        "selfservice:one_click",
        args=[
            consent.pk,
            signed(consent.pk, consent.enquiry.form_nonce),
        ],
    )


def nothing_changed(consent: Consent) -> bool:
    consent.refresh_from_db()
    return (
        consent.withdrawn_at is None
        and not MarketingSuppression.objects.exists()
        and not RightsEvent.objects.exists()
    )


def test_a_get_shows_one_button_sets_no_cookie_and_changes_nothing(consent):
    response = Client().get(path_of(consent))

    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    assert html.count("<form") == 1 and "Trekk tilbake samtykket</button>" in html
    assert nothing_changed(consent)


def test_a_one_click_post_without_cookies_or_csrf_token_withdraws_and_suppresses(consent):
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(path_of(consent), ONE_CLICK)

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Samtykket er trukket tilbake" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_channel == "lenke"
    assert MarketingSuppression.objects.get().person_key == person_key("kari@example.no")
    assert set(RightsEvent.objects.values_list("kind", flat=True)) == {
        RightsEventKind.WITHDRAWAL,
        RightsEventKind.SUPPRESSION,
    }
    assert SubjectRequest.objects.get().channel == "lenke"
    assert AuditEntry.objects.filter(action=AuditAction.WITHDRAWAL).count() == 1
    # Again: nothing more, and still a 2xx for the mail program.
    assert mail_program.post(path_of(consent), ONE_CLICK).status_code == 200
    assert RightsEvent.objects.count() == 2


def test_a_tampered_link_is_a_404_and_changes_nothing(consent):
    good = path_of(consent)
    token = signed(consent.pk, consent.enquiry.form_nonce)
    other = make_enquiry(email="ola@example.no", marketing=True)
    other_consent = Consent.objects.get(enquiry=other, purpose="marketing")
    enquiry_consent = Consent.objects.get(enquiry=consent.enquiry, purpose="enquiry")
    flipped = token[:-1] + ("0" if token[-1] != "0" else "1")
    tampered = [
        good.replace(token, flipped),
        good.replace(f"/{consent.pk}/", f"/{other_consent.pk}/"),  # another's number
        reverse("selfservice:one_click", args=[enquiry_consent.pk, token]),
        reverse(
            "selfservice:one_click",
            args=[
                enquiry_consent.pk,
                consent_links.token(
                    consent_links.WITHDRAW, enquiry_consent.pk, consent.enquiry.form_nonce
                ),
            ],
        ),  # signed, but not a marketing consent
    ]
    for path in tampered:
        assert Client().post(path, ONE_CLICK).status_code == 404, path
        assert Client().get(path).status_code == 404, path
    assert Client().get(good[:-2] + "/").status_code == 404  # too short: no route
    assert nothing_changed(consent)


def test_the_link_outlives_a_rotated_secret_key(consent, settings):
    path = path_of(consent)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert Client().post(path, ONE_CLICK).status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_the_csv_export_carries_each_consents_link_and_the_link_works(consent, alice):
    confirmation.confirm(consent)  # in force: only then exported as a consent
    without = make_enquiry(email="ola@example.no")
    body = export.export_csv(ids=[consent.enquiry_id, without.pk], actor=alice)
    rows = {
        row["E-post"]: row["Lenke for å trekke tilbake samtykket"]
        for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    }
    assert rows["ola@example.no"] == ""
    link = rows["kari@example.no"]
    assert link.endswith(path_of(consent)) and link.startswith("http")

    assert Client().post(path_of(consent), ONE_CLICK).status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def changes(client, since: dt.date) -> list[list[str]]:
    url = reverse("admin:contacts_enquiry_marketing_changes")
    response = client.get(url, {"siden": since.isoformat()})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_changes_export_lists_who_withdrew_or_objected_since_a_day(client, alice, consent):
    today = timezone.localdate()
    ola = make_enquiry(email="ola@example.no", marketing=True)
    make_enquiry(email="per@example.no", marketing=True)  # changed nothing
    Client().post(path_of(consent), ONE_CLICK)
    withdrawal.record_withdrawal(
        consent=Consent.objects.get(enquiry=ola, purpose="marketing"),
        channel="e-post",
        actor=alice,
    )

    rows = changes(client, today)

    assert rows[0] == export.CHANGES_COLUMNS
    assert sorted((email, what) for email, what, _ in rows[1:]) == [
        ("kari@example.no", export.OBJECTED),
        ("kari@example.no", export.WITHDREW),
        ("ola@example.no", export.WITHDREW),
    ]
    assert changes(client, today + dt.timedelta(days=1)) == [export.CHANGES_COLUMNS]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_changes_page_refuses_a_bad_date_in_norwegian(client, alice):
    url = reverse("admin:contacts_enquiry_marketing_changes")
    response = client.get(url, {"siden": "i går"})
    assert response.status_code == 200
    assert "Skriv datoen som dd.mm.åååå." in response.content.decode()
