"""axe-core on every public page and on the form's error state: zero WCAG 2.0/2.1 A/AA
violations."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.pages import EVERY_PUBLIC_PAGE, PUBLIC_PAGES

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = [*PUBLIC_PAGES, "/intern/login/"]


def violations(page) -> list[dict]:
    result = Axe().run(page, options=WCAG)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result.response["violations"]
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_public_page_has_wcag_violations(site, new_page, viewport):
    """Every page in one tab, each page's violations named: axe's script, compiled once in
    the tab's renderer, then checks each further page for half the CPU of its first."""
    page = new_page(viewport)
    found = {}
    for path in PAGES:
        page.goto(site + path)
        if problems := violations(page):
            found[path] = problems

    assert found == {}, json.dumps(found, ensure_ascii=False, indent=1)


def test_the_form_in_its_error_state_has_no_wcag_violations(site, new_page):
    page = new_page()
    page.goto(site + "/kontakt/")
    page.locator("#id_email").fill("ikke-en-adresse")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#feil")

    found = violations(page)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_every_table_on_a_public_page_has_a_caption(site, new_page):
    page = new_page(PHONE)
    tables, uncaptioned = 0, {}
    for path in EVERY_PUBLIC_PAGE:
        page.goto(site + path)
        tables += page.locator("table").count()
        missing = page.evaluate(
            "[...document.querySelectorAll('table')]"
            ".filter((t) => !(t.caption && t.caption.textContent.trim())).length"
        )
        if missing:
            uncaptioned[path] = missing

    assert tables > 0 and uncaptioned == {}
    # The purposes table's caption is shown, also where the table reflows on a phone.
    page.goto(site + "/personvern/")
    expect(page.locator(".notice-table caption")).to_have_text(
        "Formål, rettslig grunnlag og opplysningene vi trenger til dette formål"
    )
    expect(page.locator(".notice-table caption")).to_be_visible()
