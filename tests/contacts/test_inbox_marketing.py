"""The inbox's marketing column: what it shows, how staff sort and filter by it, and what
it costs a page as the table grows."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Enquiry
from tests.contacts.factories import make_enquiry
from tests.contacts.inbox_html import ordered, row

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"


@pytest.fixture
def three():
    """One enquiry with a marketing consent in force, one waiting for its confirmation,
    one without."""
    return {
        "in_force": make_enquiry(marketing=True, confirmed=True),
        "pending": make_enquiry(marketing=True),
        "none": make_enquiry(),
    }


def marketing_cell(response, enquiry: Enquiry) -> str:
    """`enquiry`'s cell in the marketing column."""
    return re.search(
        r'<td class="field-marketing_display">(.*?)</td>', row(response, enquiry), re.S
    )[1]


def sort_link(response, descending: bool = False) -> str:
    """The column's own sort parameter, from its heading's link."""
    html = response.content.decode()
    heading = re.search(r'column-marketing_display.*?<a href="\?o=([\d.-]+)"', html, re.S)
    order = heading[1].split(".")[0]
    return f"-{order}" if descending else order


def test_the_column_says_yes_waiting_or_no_for_each_row(client, alice, three):
    inbox = client.get(ADMIN)

    assert "icon-yes" in marketing_cell(inbox, three["in_force"])
    assert marketing_cell(inbox, three["pending"]) == "venter på bekreftelse"
    assert "icon-no" in marketing_cell(inbox, three["none"])


def test_staff_sort_by_the_column_both_ways(client, alice, three):
    inbox = client.get(ADMIN)
    ascending = ordered(client.get(ADMIN, {"o": sort_link(inbox)}))
    descending = ordered(client.get(ADMIN, {"o": sort_link(inbox, descending=True)}))

    # Only the consent in force counts as "yes"; waiting for confirmation is not yet.
    assert ascending[-1] == descending[0] == three["in_force"].pk
    assert set(ascending) == set(descending) == {e.pk for e in three.values()}


@pytest.mark.parametrize(
    ("value", "expected"), [("ja", {"in_force"}), ("nei", {"pending", "none"})]
)
def test_the_filter_picks_by_the_consent_in_force(client, alice, three, value, expected):
    listed = ordered(client.get(ADMIN, {"markedsforing": value}))

    assert set(listed) == {three[name].pk for name in expected}


def consent_reads(sql: str) -> list[int]:
    """For each step of a query's plan that read contacts_consent, the rows it read over
    all its runs (returned or filtered away), by PostgreSQL's own count: EXPLAIN ANALYZE.
    (Per run, PostgreSQL rounds to whole rows: an index probe that found nothing is 0.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        [[plan]] = cursor.fetchall()
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def reads(node: dict) -> list[int]:
        own = []
        if node.get("Relation Name") == "contacts_consent":
            per_run = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            own = [per_run * node["Actual Loops"]]
        return own + [n for child in node.get("Plans", []) for n in reads(child)]

    return reads(plan[0]["Plan"])


@pytest.mark.django_db(transaction=True)  # the seed ends with VACUUM
def test_a_page_reads_the_consents_of_its_own_rows_not_of_the_whole_table(client, alice, settings):
    """A page lists 50 enquiries. Annotated on the whole list, the column made PostgreSQL
    read every marketing consent in the table to hash them (20 ms of the page at 100,000
    enquiries, and growing with them); for its own rows it probes an index per row."""
    settings.DEBUG = True  # the benchmark seed refuses to run otherwise
    # Twice the size at which probing 50 rows becomes cheaper than one hash of the table
    # (about 6,000 enquiries here): below it, the planner rightly hashes the page's query.
    call_command("seed_enquiries", "12000", verbosity=0)
    settings.DEBUG = False
    per_page = admin.site._registry[Enquiry].list_per_page

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(ADMIN).status_code == 200
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
    reads = [n for sql in selects for n in consent_reads(sql)]

    # Looked up (in force, and waiting for confirmation), each time at most one row for
    # each listed enquiry: one marketing consent each at most.
    assert len(reads) >= 2
    assert max(reads) <= per_page, reads
