"""A visitor in Chromium: reading the notice, and the callback form by keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Consent, Enquiry
from tests.browser.conftest import DESKTOP, PHONE


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_reader_goes_from_the_home_page_to_what_changed(site, new_page, viewport):
    page = new_page(viewport)

    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilaro AS")
    page.get_by_role("contentinfo").get_by_role("link", name="Personvernerklæring").click()
    expect(page).to_have_url(site + "/personvern/")
    toc = page.get_by_role("navigation", name="Innhold")
    toc.get_by_role("link", name="Hvor lenge vi lagrer data").click()
    expect(page).to_have_url(re.compile(r"#hvor-lenge-vi-lagrer-data$"))
    expect(page.locator("#hvor-lenge-vi-lagrer-data")).to_be_in_viewport()
    page.get_by_role("link", name="Alle versjoner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Versjoner av personvernerklæringen")
    page.get_by_role("link", name=re.compile("Se hva som er endret")).first.click()
    expect(page.locator("ins").first).to_be_visible()
    expect(page.locator("del").first).to_be_visible()
    # Nothing scrolls sideways on a phone, and nothing was blocked or missing.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.console.errors == []


def tab_to(page, element_id: str, limit: int = 40) -> list[str]:
    """Press Tab until the element has focus; returns the ids passed on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.tagName")
        seen.append(focused)
        if focused == element_id:
            return seen
    raise AssertionError(f"Tab never reached #{element_id}: {seen}")


def focus_is_visible(page) -> bool:
    return page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_callback_form_works_by_keyboard_alone(site, new_page, javascript):
    page = new_page(DESKTOP, javascript=javascript)
    page.goto(site + "/kontakt/")

    order = tab_to(page, "id_name")
    assert order[0] == "A"  # the skip link comes first
    assert focus_is_visible(page)
    page.keyboard.type("Kari Nordmann")
    passed = tab_to(page, "id_email")
    assert passed == ["id_company", "id_email"]
    page.keyboard.type("kari@example.no")
    page.keyboard.press("Tab")
    page.keyboard.type("12")  # not a phone number; no consent either
    tab_to(page, "id_message")
    tab_to(page, "id_consent_enquiry")
    assert focus_is_visible(page)
    tab_to(page, "BUTTON")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_load_state()
    expect(page.locator("#id_phone_error")).to_contain_text("Skriv inn et gyldig telefonnummer")
    expect(page.locator("#id_consent_enquiry_error")).to_contain_text("Vi trenger samtykket ditt")
    assert page.evaluate("document.activeElement.id") == "id_phone"
    expect(page.locator("#id_phone")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_name")).to_have_value("Kari Nordmann")

    page.keyboard.press("Control+A")
    page.keyboard.type("912 34 567")
    tab_to(page, "id_consent_enquiry")
    page.keyboard.press("Space")
    tab_to(page, "BUTTON")
    page.keyboard.press("Enter")

    page.wait_for_url(site + "/kontakt/takk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Takk! Vi tar kontakt snart.")
    assert page.evaluate("document.activeElement.id") == "takk-title"
    enquiry = Enquiry.objects.get()
    assert (enquiry.name, enquiry.phone) == ("Kari Nordmann", "+4791234567")
    assert Consent.objects.get(enquiry=enquiry, purpose="enquiry").given
    # The post with errors was answered 400 (bad input is a 4xx); the browser reports that
    # status as an error, and it must be the only one.
    refused = [e for e in page.console.errors if e.startswith(f"400 {site}/kontakt/")]
    assert len(refused) == 1
    assert [e for e in page.console.errors if "400 (Bad Request)" not in e] == refused
