"""Whatever a visitor or staff user typed comes out escaped, in the site and in admin."""

from __future__ import annotations

import pytest

from contacts.inbox.triage import add_note
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
NASTY = '<script>alert("x")</script>"\'><img src=x onerror=alert(1)>'


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_form_redisplays_hostile_input_escaped(client, fresh_form):
    response = client.post("/kontakt/", fresh_form(company=NASTY, message=NASTY, phone="12"))

    assert_escaped(response.content.decode())


def test_admin_pages_show_stored_hostile_text_escaped(client, alice):
    enquiry = make_enquiry(name=NASTY, company=NASTY, message=NASTY)
    add_note(enquiry=enquiry, author=alice, text=NASTY)

    changelist = client.get("/intern/contacts/enquiry/").content.decode()
    change = client.get(f"/intern/contacts/enquiry/{enquiry.pk}/change/").content.decode()
    report = client.post(
        "/intern/contacts/enquiry/personvern/", {"email": enquiry.email, "step": "html"}
    ).content.decode()

    for html in (changelist, change, report):
        assert_escaped(html)
