"""axe-core on every public page and on the form's error state: zero WCAG 2.0/2.1 A/AA
violations."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE
from tests.pages import PUBLIC_PAGES

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = [*PUBLIC_PAGES, "/intern/login/"]


def violations(page) -> list[dict]:
    result = Axe().run(page, options=WCAG)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result.response["violations"]
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", PAGES)
def test_a_public_page_has_no_wcag_violations(site, new_page, path, viewport):
    page = new_page(viewport)
    page.goto(site + path)

    found = violations(page)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_the_form_in_its_error_state_has_no_wcag_violations(site, new_page):
    page = new_page()
    page.goto(site + "/kontakt/")
    page.locator("#id_email").fill("ikke-en-adresse")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#feil")

    found = violations(page)

    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
