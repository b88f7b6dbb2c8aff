"""The inbox at 1,400 px: every column staff triage by fits without scrolling sideways."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.contacts.factories import make_enquiry

WIDE = {"width": 1400, "height": 900}
# Columns a saksbehandler must see without scrolling: header text -> Django's column class.
MUST_SEE = {
    "Status": "column-status_display",
    "Saksbehandler": "column-assignee_display",
    "Markedsføring": "column-marketing_display",
    "Slettes etter": "column-retain_until_day",
}


def _long_enquiries(assignee: User) -> None:
    """Realistic rows at their widest: long names, company names and addresses, every column
    filled (an overdue call, a contact made, a restriction, a marketing consent)."""
    now = timezone.now()
    make_enquiry(
        name="Anne-Marie Kristoffersen Bjørnstad-Haugland",
        company="Nordre Aker Rørleggerservice og Eiendomsforvaltning Holding AS",
        email="anne-marie.kristoffersen.bjornstad-haugland@nordre-aker-ror.no",
        phone="+4791234567",
        marketing=True,
        assignee=assignee,
        status="under_behandling",
        received_at=now - dt.timedelta(days=3),
    )
    make_enquiry(
        name="Sigurd Ødegård Christophersen-Lindqvist",
        company="Vestlandske Maskinentreprenører og Transportsentral AS",
        email="sigurd.christophersen.lindqvist@vestlandskemaskin.no",
        phone="+4740000000",
        assignee=assignee,
        contacted_at=now - dt.timedelta(hours=2),
    )
    make_enquiry(
        name="Kari Nordmann",
        company="Nordmann Regnskap og Rådgivning AS",
        email="kari.nordmann@nordmann-regnskap.no",
        phone="+4798765432",
        marketing=True,
        restricted_at=now,
        restricted_reason="Bestrider at opplysningene er riktige",
    )


def test_the_inbox_fits_1400_pixels_with_status_assignee_marketing_and_retention(
    site, new_page, saksbehandler
):
    saksbehandler.username = "kristoffer.haugland@pilaro.no"
    saksbehandler.save()
    _long_enquiries(saksbehandler)
    page = new_page(viewport=WIDE)

    log_in(page, site, saksbehandler)
    page.goto(site + "/intern/contacts/enquiry/?status=all")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)

    # The table against the box that would scroll it sideways (Django's .results), the
    # page against the window, and each column that must be seen against that box.
    fit = page.evaluate(
        """(columns) => {
            const table = document.getElementById("result_list");
            const box = table.parentElement.getBoundingClientRect();
            const root = document.documentElement;
            return {
                table: [table.parentElement.scrollWidth, table.parentElement.clientWidth],
                page: [root.scrollWidth, root.clientWidth],
                columns: columns.map((name) => {
                    const th = table.querySelector(`thead th.${name}`).getBoundingClientRect();
                    return [name, th.width > 0 && th.left >= box.left && th.right <= box.right];
                }),
            };
        }""",
        list(MUST_SEE.values()),
    )

    assert fit["table"][0] <= fit["table"][1], fit
    assert fit["page"][0] <= fit["page"][1], fit
    assert all(inside for _, inside in fit["columns"]), fit
    for header, column in MUST_SEE.items():
        expect(page.locator(f"#result_list thead th.{column}")).to_have_text(
            header, ignore_case=True
        )
    person = page.locator("#result_list td.field-person", has_text="Anne-Marie")
    expect(person).to_contain_text("Nordre Aker Rørleggerservice og Eiendomsforvaltning")
    assert page.console.errors == []
