"""A "Saksbehandler" triages in Chromium: log in, filter, take one, note it, answer it."""

from __future__ import annotations

from playwright.sync_api import expect

from contacts.models import Enquiry, Note
from tests.browser.conftest import log_in
from tests.contacts.factories import make_enquiry


def test_a_saksbehandler_takes_an_enquiry_notes_it_and_answers_it(site, new_page, saksbehandler):
    user = saksbehandler
    wanted = make_enquiry(name="Ingrid Haugen")
    make_enquiry(name="Lukket Sak", status="lukket")
    page = new_page()

    log_in(page, site, user)
    page.get_by_role("link", name="Henvendelser", exact=True).last.click()
    expect(page).to_have_url(site + "/intern/contacts/enquiry/")
    page.get_by_role("link", name="Åpne (ny og under behandling)").click()
    expect(page.get_by_role("link", name="Ingrid Haugen")).to_be_visible()
    expect(page.get_by_text("Lukket Sak")).to_have_count(0)

    page.locator(f'input[name="_selected_action"][value="{wanted.pk}"]').check()
    page.locator('select[name="action"]').select_option("assign_to_me")
    page.get_by_role("button", name="Gå").click()
    expect(page.get_by_text("1 henvendelse(r) tildelt deg.")).to_be_visible()

    page.get_by_role("link", name="Ingrid Haugen").click()
    page.locator('textarea[name="notes-0-text"]').fill("Ringte tilbake, sendte tilbud.")
    page.locator('select[name="status"]').select_option("besvart")
    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.locator(".messagelist")).to_be_visible()

    wanted.refresh_from_db()
    assert wanted.assignee == user and wanted.status == "besvart"
    assert Note.objects.get(enquiry=wanted).text == "Ringte tilbake, sendte tilbud."
    assert Enquiry.objects.count() == 2
    assert page.console.errors == []
