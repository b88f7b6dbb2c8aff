"""The callback form as draft notice 2.0 will make it, previewed by staff in Chromium:
axe on the draft's page and on the preview's error state, the preview by keyboard alone,
and what an anonymous visitor gets (neither the draft nor the preview)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from contacts.models import Consent, Enquiry
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.test_accessibility import violations
from tests.browser.test_visitor import focus_is_visible, tab_to

DRAFT = "/personvern/versjoner/2.0/"
PREVIEW = "/kontakt/forhandsvisning/2.0/"
MARKETING_LABEL = "Ja, Pilaro AS kan sende meg nyheter og tilbud"


def preview_form(page):
    """The preview block on the draft's page: its section and the form inside it."""
    section = page.get_by_role("region", name="Kontaktskjemaet med versjon 2.0")
    return section, section.locator("form")


def open_draft(page, site: str, user) -> None:
    log_in(page, site, user)
    response = page.goto(site + DRAFT)
    assert response.status == 200


def fill_valid(page) -> None:
    page.locator("#id_name").fill("Kari Nordmann")
    page.locator("#id_email").fill("kari@example.no")
    page.locator("#id_phone").fill("912 34 567")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_draft_page_with_its_form_preview_has_no_wcag_violations(
    site, new_page, saksbehandler, viewport
):
    page = new_page(viewport)
    open_draft(page, site, saksbehandler)
    section, form = preview_form(page)
    expect(section).to_be_visible()
    # The 2.0 form, not the 1.x one: an information paragraph and one optional box.
    expect(form).to_have_attribute("action", PREVIEW)
    expect(form.locator("#skjema-informasjon")).to_contain_text("berettiget interesse")
    expect(form.locator("#id_consent_marketing")).to_be_visible()
    expect(form.locator("[name=consent_enquiry]")).to_have_count(0)

    found = violations(page)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert page.console.errors == []


def test_the_form_preview_in_its_error_state_has_no_wcag_violations(site, new_page, saksbehandler):
    page = new_page()
    open_draft(page, site, saksbehandler)
    _, form = preview_form(page)
    form.locator("#id_email").fill("ikke-en-adresse")
    form.get_by_role("button", name="Send").click()
    page.wait_for_selector("#feil")
    expect(page).to_have_url(site + PREVIEW)
    expect(page.locator("#id_email_error")).to_contain_text("Skriv inn en gyldig e-postadresse")
    expect(page.locator("#id_consent_marketing")).to_be_visible()

    found = violations(page)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert Enquiry.objects.count() == 0
    # The post with errors is answered 400, which the browser reports; nothing else.
    refused = [e for e in page.console.errors if e.startswith(f"400 {site}{PREVIEW}")]
    assert len(refused) == 1
    assert [e for e in page.console.errors if "400 (Bad Request)" not in e] == refused


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_form_preview_works_by_keyboard_alone(site, new_page, saksbehandler, javascript):
    page = new_page(DESKTOP, javascript=javascript)
    open_draft(page, site, saksbehandler)
    _, form = preview_form(page)
    expect(form.locator("[name=consent_enquiry]")).to_have_count(0)
    assert not form.locator("#id_consent_marketing").evaluate("el => el.required")

    # From the preview form's first field on, by keyboard only.
    form.locator("#id_name").focus()
    assert focus_is_visible(page)
    page.keyboard.type("Kari Nordmann")
    passed = tab_to(page, "id_email")
    assert passed == ["id_company", "id_email"]
    page.keyboard.type("kari@example.no")
    page.keyboard.press("Tab")
    page.keyboard.type("12")  # not a phone number
    passed = tab_to(page, "id_message")
    assert passed == ["id_message"]
    page.keyboard.type("Ring meg gjerne.")
    passed = tab_to(page, "id_consent_marketing")
    assert passed == ["id_consent_marketing"]
    assert focus_is_visible(page)
    passed = tab_to(page, "BUTTON")
    # Past the link to the notice in the information text, never into the honeypot.
    assert passed == ["A", "BUTTON"]
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_load_state()
    expect(page).to_have_url(site + PREVIEW)
    expect(page.locator("#id_phone_error")).to_contain_text("Skriv inn et gyldig telefonnummer")
    assert page.evaluate("document.activeElement.id") == "id_phone"
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name")).to_have_value("Kari Nordmann")
    # The optional box is optional: no error for leaving it, and no required box at all.
    expect(page.locator("#id_consent_marketing_error")).to_have_count(0)
    expect(page.locator("[name=consent_enquiry]")).to_have_count(0)

    page.keyboard.press("Control+A")
    page.keyboard.type("912 34 567")
    passed = tab_to(page, "id_consent_marketing")
    assert "id_website" not in passed
    page.keyboard.press("Space")
    expect(page.locator("#id_consent_marketing")).to_be_checked()
    passed = tab_to(page, "BUTTON")
    assert "id_website" not in passed
    page.keyboard.press("Enter")

    expect(page.get_by_text("Skjemaet er gyldig.")).to_be_visible()
    expect(page).to_have_url(site + PREVIEW)
    evidence = page.locator("dl.preview-evidence")
    marketing = evidence.locator("dt", has_text="Samtykke (marketing)")
    expect(marketing).to_have_count(1)
    expect(marketing.locator("xpath=following-sibling::dd[1]")).to_have_text(
        re.compile(rf"^Gitt: «{MARKETING_LABEL}")
    )
    expect(evidence).not_to_contain_text("Samtykke (enquiry)")
    expect(evidence.locator("dd").first).to_contain_text("berettiget interesse")
    expect(page.locator("[name=consent_enquiry]")).to_have_count(0)
    # Nothing stored: the preview validated the form and said what would be kept.
    assert Enquiry.objects.count() == 0
    assert Consent.objects.count() == 0
    refused = [e for e in page.console.errors if e.startswith(f"400 {site}{PREVIEW}")]
    assert len(refused) == 1
    assert [e for e in page.console.errors if "400 (Bad Request)" not in e] == refused


def test_an_anonymous_visitor_gets_neither_the_draft_nor_its_preview(
    site, new_page, saksbehandler
):
    page = new_page()
    response = page.goto(site + DRAFT)
    assert response.status == 404
    expect(page.get_by_role("heading", name="Kontaktskjemaet med versjon 2.0")).to_have_count(0)
    expect(page.locator(f"form[action='{PREVIEW}']")).to_have_count(0)
    # The 404 is what the browser reports, and the only thing.
    refused = [e for e in page.console.errors if e == f"404 {site}{DRAFT}"]
    assert len(refused) == 1
    assert [e for e in page.console.errors if "404 (Not Found)" not in e] == refused

    # A valid preview post whose session has gone: it is not validated, only sent to log in.
    page = new_page()
    open_draft(page, site, saksbehandler)
    _, form = preview_form(page)
    fill_valid(page)
    form.locator("#id_consent_marketing").check()
    page.context.clear_cookies(name="sessionid")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        form.get_by_role("button", name="Send").click()
    assert posted.value.url == site + PREVIEW
    assert posted.value.status == 302
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(r"/intern/login/\?next=/kontakt/forhandsvisning/2\.0/$"))
    expect(page.get_by_label("Brukernavn")).to_be_visible()
    expect(page.get_by_text("Skjemaet er gyldig.")).to_have_count(0)
    assert Enquiry.objects.count() == 0
    assert Consent.objects.count() == 0
    assert page.console.errors == []
