""" "Slett valgte nå" asks first, on a page that lists what will be erased; only that
page's form erases."""

from __future__ import annotations

import re

import pytest

from contacts.models import Enquiry, ErasureRecord
from contacts.rights import restriction
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
ADMIN = "/intern/contacts/enquiry/"


def choose(client, enquiries, **extra):
    data = {"action": "erase_now", "_selected_action": [e.pk for e in enquiries], **extra}
    return client.post(f"{ADMIN}?status=all", data)


def test_choosing_the_action_shows_what_would_be_erased_and_erases_nothing(client, alice):
    kari = make_enquiry(name="Kari Nordmann", marketing=True)
    ola = make_enquiry(name="Ola Nordmann")
    restriction.restrict(enquiry=ola, reason="Personen bestrider opplysningene.", actor=alice)

    page = choose(client, [kari, ola])
    html = page.content.decode()

    assert page.status_code == 200
    assert Enquiry.objects.count() == 2 and not ErasureRecord.objects.exists()
    assert "Bekreft sletting" in html
    assert f"#{kari.pk} fra Kari Nordmann" in html and f"#{ola.pk} fra Ola Nordmann" in html
    assert "behandlingen er begrenset" in html  # a restriction is pointed out before erasing
    # The confirmation posts exactly the chosen enquiries back, with the action.
    posted = set(map(int, re.findall(r'name="_selected_action" value="(\d+)"', html)))
    assert posted == {kari.pk, ola.pk}
    assert 'name="action" value="erase_now"' in html and 'name="post" value="yes"' in html
    assert 'href="/intern/contacts/enquiry/?status=all" class="button cancel-link"' in html


def test_confirming_erases_the_listed_enquiries_with_a_record_each(client, alice):
    chosen = [make_enquiry() for _ in range(2)]
    kept = make_enquiry()

    answer = choose(client, chosen, post="yes")

    assert answer.status_code == 302
    assert set(Enquiry.objects.values_list("pk", flat=True)) == {kept.pk}
    assert set(ErasureRecord.objects.values_list("enquiry_id", flat=True)) == {
        e.pk for e in chosen
    }
    assert "2 henvendelse(r) slettet." in client.get(answer["Location"]).content.decode()
