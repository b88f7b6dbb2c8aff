"""An enquiry's page in the admin: its notes and what saving it says."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from django.contrib.auth.models import User

from contacts.inbox import triage
from contacts.models import Note
from tests.contacts.factories import make_enquiry
from tests.forms_html import form_data

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"


def note_row(html: str, row_id: str) -> dict[str, str]:
    """The text of each cell of one row of the notes table, by field."""
    row = re.search(rf'<tr class="form-row[^"]*"\s+id="{row_id}">(.*?)</tr>', html, re.S)
    cells = re.findall(r'<td class="field-(\w+)">\s*(.*?)\s*</td>', row.group(1), re.S)
    return {name: re.sub(r"<[^>]+>", "", content).strip() for name, content in cells}


def test_the_notes_offer_to_add_a_new_note_in_bokmal(client, alice):
    enquiry = make_enquiry()

    html = client.get(f"{ADMIN}{enquiry.pk}/change/").content.decode()

    found = re.search(r'id="notes-group"\s+[^>]*data-inline-formset="([^"]+)"', html)
    options = json.loads(html_lib.unescape(found.group(1)))["options"]
    assert options["addText"] == "Legg til nytt notat"
    assert "Legg til ny Notat" not in html


def test_a_new_note_row_shows_no_time_or_author_and_a_written_one_shows_both(client, alice):
    enquiry = make_enquiry()
    triage.add_note(enquiry=enquiry, author=alice, text="Ringte tilbake.")
    gone = User.objects.create_user("tidligere", is_staff=True)
    triage.add_note(enquiry=enquiry, author=gone, text="Sendte tilbud.")
    gone.delete()

    html = client.get(f"{ADMIN}{enquiry.pk}/change/").content.decode()

    written = note_row(html, "notes-0")
    assert re.fullmatch(r"\d{1,2}\. \w+ \d{4} \d{2}:\d{2}", written["written_at"]), written
    assert written["written_by"] == "alice"
    assert note_row(html, "notes-1")["written_by"] == "–"  # its author's account is gone
    for new in ("notes-2", "notes-empty"):
        row = note_row(html, new)
        assert (row["written_at"], row["written_by"]) == ("", ""), row


def test_saving_names_the_enquiry_once_as_a_link_to_it(client, alice):
    enquiry = make_enquiry()
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["status"] = ["under_behandling"]

    response = client.post(url, {**data, "_save": ["Lagre"]}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == ADMIN
    assert f'<a href="{url}">Henvendelse #{enquiry.pk}</a> ble endret.' in page
    assert "Henvendelse «" not in page and "Henvendelse &quot;" not in page


def test_save_and_continue_says_so_and_stays_on_the_page(client, alice):
    enquiry = make_enquiry()
    url = f"{ADMIN}{enquiry.pk}/change/"
    data = form_data(client.get(url).content.decode(), form_id="enquiry_form")
    data["notes-0-text"] = ["Avtalt møte torsdag."]

    response = client.post(url, {**data, "_continue": ["Lagre og fortsett"]}, follow=True)

    assert response.redirect_chain[-1][0] == url
    assert (
        f'<a href="{url}">Henvendelse #{enquiry.pk}</a> ble endret. Du kan redigere videre '
        "nedenfor." in response.content.decode()
    )
    assert Note.objects.get(enquiry=enquiry).text == "Avtalt møte torsdag."
