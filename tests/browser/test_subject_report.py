"""The access report (innsyn, GDPR art. 15) a "Saksbehandler" opens from the admin, in
Chromium: the site's own styles, Norwegian dates (never ISO 8601 in the text), a print
layout without the note to staff, valid HTML and no WCAG violation."""

from __future__ import annotations

import datetime as dt
import json
import re
from unittest import mock

import pytest
from playwright.sync_api import expect

from contacts.inbox import triage
from contacts.models import Consent
from contacts.rights import withdrawal
from tests.browser.conftest import ConsoleWatch, log_in
from tests.browser.test_accessibility import violations
from tests.browser.test_html_validity import nu_checker
from tests.contacts.factories import make_enquiry

UTC = dt.UTC
WINTER = dt.datetime(2026, 11, 25, 15, 23, 10, 305152, tzinfo=UTC)  # 16.23 in Oslo
SUMMER = dt.datetime(2026, 7, 4, 21, 5, tzinfo=UTC)  # 23.05 in Oslo (summer time)
NOTED = dt.datetime(2026, 11, 26, 8, 4, tzinfo=UTC)
WITHDRAWN = dt.datetime(2026, 12, 1, 23, 0, 30, tzinfo=UTC)  # midnight in Oslo
SAID = [
    "25. november 2026 kl. 16.23",
    "4. juli 2026 kl. 23.05",
    "26. november 2026 kl. 09.04",
    "2. desember 2026 kl. 00.00",
]
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
INK, BLACK = "rgb(27, 35, 48)", "rgb(0, 0, 0)"  # site.css's --pilaro-ink; print


@pytest.fixture
def kari(saksbehandler):
    """Two enquiries from Kari, with consents (one withdrawn) and a note, at known times."""
    first = make_enquiry(name="Kari Nordmann", email="kari@example.no", received_at=WINTER)
    make_enquiry(name="Kari Nordmann", email="kari@example.no", marketing=True, received_at=SUMMER)
    marketing = Consent.objects.get(enquiry__received_at=SUMMER, purpose="marketing")
    with mock.patch("django.utils.timezone.now", return_value=NOTED):
        triage.add_note(enquiry=first, author=saksbehandler, text="Ringte Kari om tilbudet.")
    with mock.patch("django.utils.timezone.now", return_value=WITHDRAWN):
        withdrawal.record_withdrawal(consent=marketing, channel="epost", actor=saksbehandler)
    return first


def open_report(page, site: str):
    """Search for Kari and open "Vis innsyn som side" (a new tab, as staff get it): the
    tab, and the HTML exactly as served."""
    page.goto(site + "/intern/contacts/enquiry/personvern/")
    page.get_by_label("E-post").fill("kari@example.no")
    page.get_by_role("button", name="Søk").click()
    expect(page.get_by_role("heading", name="2 henvendelser")).to_be_visible()
    posted = page.context.expect_event("response", lambda r: r.request.method == "POST")
    with page.context.expect_page() as opened, posted as r:
        page.get_by_role("button", name="Vis innsyn som side").click()
    report = opened.value
    report.wait_for_load_state()
    return report, r.value.text()


def style(page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.locator(selector).first.evaluate(
        "(el, [prop, pseudo]) => getComputedStyle(el, pseudo).getPropertyValue(prop)",
        [prop, pseudo],
    )


def test_the_report_is_styled_by_the_site_and_says_times_in_norwegian(
    site, new_page, saksbehandler, kari
):
    page = new_page()
    log_in(page, site, saksbehandler)
    tabs: list[ConsoleWatch] = []
    page.context.on("page", lambda tab: tabs.append(ConsoleWatch(tab)))

    report, _ = open_report(page, site)

    expect(report).to_have_title("Innsyn: opplysninger Pilaro AS har om deg")
    h1 = report.get_by_role("heading", level=1)
    expect(h1).to_have_text("Opplysninger Pilaro AS har om deg")
    # Each enquiry, then the art. 15(1) information (purposes, bases, rights, complaint).
    expect(report.get_by_role("heading", level=2)).to_have_count(3)
    expect(report.get_by_role("heading", level=2).last).to_have_text(
        "Om behandlingen av opplysningene"
    )
    # The site's stylesheets, served by the site: Bootstrap's font stack, site.css's ink
    # and size, report.css's layout; not the browser's defaults (Times, black, 16 px).
    assert "system-ui" in style(report, "body", "font-family")
    assert style(report, "body", "color") == INK
    assert style(report, "body", "font-size") == "17px"
    assert style(report, ".report__fields", "display") == "grid"
    text = report.locator("body").inner_text()
    for said in SAID:
        assert said in text
    assert re.search(r"Utarbeidet \d{1,2}\. [a-zæøå]+ \d{4} kl\. \d{2}\.\d{2}\.", text)
    # Addresses printed as text (the self-service page's, with the test server's port)
    # are not times.
    assert ISO_TIME.findall(re.sub(r"https?://\S+", "", text)) == []
    assert "Ringte Kari om tilbudet." in text
    assert len(tabs) == 1 and tabs[0].errors == []  # no CSP violation, no stylesheet missing


def test_the_report_prints_without_the_note_to_staff(site, new_page, saksbehandler, kari):
    page = new_page()
    log_in(page, site, saksbehandler)
    report, _ = open_report(page, site)
    note = report.get_by_text("Til saksbehandler:")
    expect(note).to_be_visible()
    link = ".report__enquiry a[href^='http']"
    expect(report.locator(link)).to_have_count(2)  # each enquiry's notice version, absolute
    assert style(report, link, "content", "::after") == "none"

    report.emulate_media(media="print")

    expect(note).to_be_hidden()
    expect(report.locator(".report__enquiry")).to_have_count(2)
    for enquiry in report.locator(".report__enquiry").all():
        expect(enquiry).to_be_visible()
    assert style(report, ".report__enquiry", "break-inside") == "avoid"
    expect(report.get_by_text(SAID[0]).first).to_be_visible()
    for black in ("body", ".site-brand", ".report__meta"):
        assert style(report, black, "color") == BLACK
    assert style(report, "body", "background-color") == "rgb(255, 255, 255)"
    # On paper a link shows its address.
    address = report.locator(link).first.get_attribute("href")
    assert address.startswith("http") and "/personvern/versjoner/" in address
    assert style(report, link, "content", "::after") == f'" ({address})"'


def test_the_report_is_valid_html_without_wcag_violations(
    site, new_page, saksbehandler, kari, tmp_path
):
    page = new_page()
    log_in(page, site, saksbehandler)
    report, served = open_report(page, site)
    file = tmp_path / "innsyn.html"
    file.write_text(served, encoding="utf-8")

    messages = nu_checker([file])
    found = violations(report)

    errors = [f"{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"]
    assert "Kari Nordmann" in served
    assert errors == [], "\n".join(errors)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
