"""Screenshots for the README (docs/screenshots/), from the real site in Chromium.

`make screenshots` writes them into docs/screenshots/; in `make test` they go to a
temporary folder, so that the code that makes them cannot rot.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.contacts.factories import make_enquiry

PEOPLE = [
    ("Ingrid Haugen", "Fjordlys AS"),
    ("Lars Johansen", ""),
    ("Åse Sæther", "Havbris Regnskap"),
    ("Bjørn Dahl", "Nordtind Bygg AS"),
    ("Marte Lie", ""),
]


def test_screenshots_of_the_pages_a_newcomer_should_see(site, new_page, tmp_path, saksbehandler):
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    page = new_page(DESKTOP)
    page.goto(site + "/")
    page.screenshot(path=folder / "home.png", full_page=True)
    page.goto(site + "/personvern/")
    page.screenshot(path=folder / "personvern-desktop.png", full_page=True)
    phone = new_page(PHONE)
    phone.goto(site + "/personvern/")
    phone.screenshot(path=folder / "personvern-phone.png", full_page=True)
    page.goto(site + "/kontakt/")
    page.locator("#id_name").fill("Kari Nordmann")
    page.locator("#id_email").fill("kari@")
    page.locator("#id_phone").fill("12")
    page.get_by_role("button", name="Send").click()
    page.wait_for_selector("#feil")
    page.screenshot(path=folder / "skjema-med-feil.png", full_page=True)

    for name, company in PEOPLE:
        email = name.split()[0].lower().replace("å", "a").replace("ø", "o") + "@example.no"
        make_enquiry(name=name, company=company, email=email)
    log_in(page, site, saksbehandler)
    page.goto(site + "/intern/contacts/enquiry/")
    page.get_by_role("link", name="Ingrid Haugen").wait_for()
    page.screenshot(path=folder / "admin-henvendelser.png", full_page=True)

    names = sorted(p.name for p in folder.glob("*.png"))
    assert names == [
        "admin-henvendelser.png",
        "home.png",
        "personvern-desktop.png",
        "personvern-phone.png",
        "skjema-med-feil.png",
    ]
    assert all((folder / n).stat().st_size > 10_000 for n in names)
