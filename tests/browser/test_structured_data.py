"""The home page's schema.org data in a real browser: read as data, blocked by nothing.

`<script type="application/ld+json">` is a data block, which browsers never run, so the
policy "script-src 'self'" (no inline script) does not block it and reports nothing."""

from __future__ import annotations

import json

from tests.browser.conftest import PHONE


def test_the_organization_data_is_read_without_any_csp_violation(site, new_page):
    page = new_page(PHONE)

    response = page.goto(site + "/")
    page.wait_for_load_state("networkidle")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    block = page.locator('head script[type="application/ld+json"]')
    data = json.loads(block.text_content())
    assert data["@type"] == "Organization" and data["name"] == "Pilaro AS"
    assert page.locator('link[rel="canonical"]').get_attribute("href").endswith("/")
    # ConsoleWatch: a blocked script would be a "Refused to execute inline script" error.
    assert page.console.errors == []
