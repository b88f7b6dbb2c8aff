"""The form follows the notice version in force: 1.x asks consent to handle the enquiry,
2.0 only informs (legitimate interest) and asks an optional marketing consent. Tried with
a filled-in copy of the shipped draft 2.0, published in a temporary notice directory."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from contacts.models import Consent, Enquiry, FormLocation
from privacy import manifest
from privacy.registry import get_registry
from privacy.rendering import inline

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
SHIPPED = settings.BASE_DIR / "privacy" / "notices"
# 1.1 is in force on this day; the copy of 2.0 takes effect the next midnight.
DAY_BEFORE = dt.datetime(2026, 12, 10, 23, 59, 30, tzinfo=OSLO)
MIDNIGHT = dt.datetime(2026, 12, 11, 0, 0, 0, tzinfo=OSLO)
PERSON = {"name": "Kari Nordmann", "email": "kari@example.no", "phone": "912 34 567"}


@pytest.fixture
def published_2_0(notice_dir):
    """The shipped notices, with 2.0 filled in and published to take effect at MIDNIGHT."""
    for path in SHIPPED.iterdir():
        shutil.copy(path, notice_dir.path / path.name)
    draft = notice_dir.path / "2.0.md"
    text = re.sub(r"\[FYLLES UT AV PILARO: ([^\]]*)\]", r"(utfylt: \1)", draft.read_text())
    text = re.sub(r"^status: draft$", "status: published", text, flags=re.M)
    text = re.sub(r"^effective: .*$", f"effective: {MIDNIGHT.date()}", text, count=1, flags=re.M)
    draft.write_text(text)
    manifest.add(notice_dir.path, {"2.0.md": get_registry().get("2.0").sha256})
    return get_registry().get("2.0")


def page(client, url: str = "/kontakt/") -> str:
    return client.get(url).content.decode()


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def consent_boxes(html: str) -> dict[str, bool]:
    """Each consent checkbox on the page, and whether it is required."""
    boxes = re.findall(r'<input type="checkbox" name="consent_(\w+)"([^>]*)>', html)
    return {name: "required" in attrs for name, attrs in boxes}


def test_under_1_x_the_form_asks_consent_to_handle_the_enquiry(client):
    html = page(client)
    side = get_registry().in_force().declarations

    assert consent_boxes(html) == {"enquiry": True, "marketing": False}
    assert "Jeg samtykker i at Pilaro AS lagrer opplysningene" in html
    assert side.form.information.split(",")[0] in html


def test_the_2_0_form_takes_over_at_oslo_midnight_without_a_deploy(client, published_2_0):
    with time_machine.travel(DAY_BEFORE, tick=False):
        before = page(client), page(client, "/")
    with time_machine.travel(MIDNIGHT, tick=False):
        after = page(client), page(client, "/")

    information = published_2_0.declarations.form.information
    for html in before:
        assert consent_boxes(html) == {"enquiry": True, "marketing": False}
        assert "Les personvernerklæringen (versjon 1.1)" in html
    for html in after:
        assert consent_boxes(html) == {"marketing": False}
        assert "Les personvernerklæringen (versjon 2.0)" in html
        assert str(inline(information).html) in html
        assert 'name="consent_marketing"' in html and "checked" not in html


def test_under_2_0_an_enquiry_is_stored_without_any_consent_given(client, published_2_0):
    with time_machine.travel(MIDNIGHT, tick=False):
        token = token_of(page(client))
        response = client.post("/kontakt/", {**PERSON, "token": token, "location": "kontakt"})

    assert response.status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.notice_version.version == "2.0"
    assert enquiry.notice_version.sha256 == published_2_0.sha256
    assert enquiry.form_location == FormLocation.CONTACT_PAGE
    form = published_2_0.declarations.form
    assert enquiry.information_text == inline(form.information).text
    assert "](" not in enquiry.information_text  # plain text, as read on the page
    marketing = Consent.objects.get(enquiry=enquiry)
    assert (marketing.purpose, marketing.given) == ("marketing", False)
    assert marketing.label_text == inline(form.consents[0].label).text
    assert not Consent.objects.filter(purpose="enquiry").exists()


def test_under_2_0_the_marketing_consent_given_is_recorded_with_its_label(client, published_2_0):
    with time_machine.travel(MIDNIGHT, tick=False):
        token = token_of(page(client, "/"))
        client.post("/kontakt/", {**PERSON, "token": token, "consent_marketing": "on"})

    consent = Consent.objects.get()
    assert consent.given and consent.purpose == "marketing"
    assert "e-post" in consent.label_text
    assert consent.notice_version.version == "2.0"


def test_a_form_shown_before_midnight_and_sent_after_records_what_was_shown(client, published_2_0):
    with time_machine.travel(DAY_BEFORE, tick=False):
        token = token_of(page(client, "/"))
    with time_machine.travel(MIDNIGHT + dt.timedelta(seconds=20), tick=False):
        response = client.post(
            "/kontakt/", {**PERSON, "token": token, "consent_enquiry": "on", "location": "forside"}
        )

    assert response.status_code == 303
    enquiry = Enquiry.objects.get()
    assert enquiry.notice_version.version == "1.1"
    assert enquiry.form_location == FormLocation.HOME
    assert "markedsføring på e-post bare hvis du krysser av" in enquiry.information_text
    labels = dict(Consent.objects.values_list("purpose", "label_text"))
    assert "personvernerklæringen (versjon 1.1)" in labels["enquiry"]
    assert set(labels) == {"enquiry", "marketing"}


def test_under_1_x_the_enquiry_consent_is_still_required(client):
    token = token_of(page(client))

    response = client.post("/kontakt/", {**PERSON, "token": token})

    assert response.status_code == 400
    assert "Vi trenger samtykket ditt" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_each_page_says_where_its_form_stands(client):
    for url, location in (("/", FormLocation.HOME), ("/kontakt/", FormLocation.CONTACT_PAGE)):
        html = page(client, url)
        client.post(
            "/kontakt/",
            {
                **PERSON,
                "email": f"{location}@example.no",
                "token": token_of(html),
                "consent_enquiry": "on",
                "location": re.search(r'name="location" value="([^"]*)"', html).group(1),
            },
        )

    assert dict(Enquiry.objects.values_list("email", "form_location")) == {
        "forside@example.no": "forside",
        "kontakt@example.no": "kontakt",
    }


def test_a_made_up_location_is_stored_as_unknown(client):
    token = token_of(page(client))

    client.post(
        "/kontakt/", {**PERSON, "token": token, "consent_enquiry": "on", "location": "<script>"}
    )

    assert Enquiry.objects.get().form_location == ""


def test_staff_see_the_drafts_form_on_the_drafts_page(client, alice):
    html = page(client, "/personvern/versjoner/2.0/")

    assert "Kontaktskjemaet med versjon 2.0" in html
    assert consent_boxes(html) == {"marketing": False}
    assert 'action="/kontakt/forhandsvisning/2.0/"' in html
    draft_info = get_registry().get("2.0").declarations.form.information
    assert str(inline(draft_info).html) in html


def test_a_preview_post_is_validated_as_the_form_would_be_and_stores_nothing(client, alice):
    from privacy.models import NoticeVersion

    html = page(client, "/personvern/versjoner/2.0/")
    data = {**PERSON, "token": token_of(html), "consent_marketing": "on"}

    valid = client.post("/kontakt/forhandsvisning/2.0/", data)
    invalid = client.post("/kontakt/forhandsvisning/2.0/", {**data, "email": "nei"})

    assert valid.status_code == 200
    assert "Skjemaet er gyldig." in valid.content.decode()
    assert "Gitt: «Ja" in valid.content.decode()
    assert invalid.status_code == 400
    assert "Skriv inn en gyldig e-postadresse" in invalid.content.decode()
    assert not Enquiry.objects.exists() and not Consent.objects.exists()
    assert not NoticeVersion.objects.filter(version="2.0").exists()


def test_a_drafts_token_is_refused_by_the_real_form(client, alice):
    token = token_of(page(client, "/personvern/versjoner/2.0/"))

    response = client.post("/kontakt/", {**PERSON, "token": token, "consent_marketing": "on"})

    assert response.status_code == 400
    assert not Enquiry.objects.exists()


def test_only_staff_may_preview_and_only_drafts(client, alice):
    published = client.post("/kontakt/forhandsvisning/1.1/", PERSON)
    client.logout()
    anonymous = client.post("/kontakt/forhandsvisning/2.0/", PERSON)

    assert published.status_code == 404
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
