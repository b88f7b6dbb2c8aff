"""One canonical address (common/emails.py): `ceo@gmaıl.com` (a dotless i, a domain anyone
can register) is never `ceo@gmail.com`, which PostgreSQL's UPPER() made it; and however
one address is typed, it is one person, one key and one rate limit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.emails import NotAnAddress, canonical_email
from contacts.models import Enquiry
from contacts.rights import suppression
from contacts.rights.selfservice import actions
from tests.contacts.factories import make_enquiry
from tests.selfservice.conftest import ask_for_link, link_jobs

pytestmark = pytest.mark.django_db

REAL = "ceo@gmail.com"
LOOK_ALIKE = "ceo@gmaıl.com"  # U+0131 LATIN SMALL LETTER DOTLESS I


@pytest.fixture
def two_people():
    return make_enquiry(name="Ekte", email=REAL), make_enquiry(
        name="Etterligner", email=LOOK_ALIKE
    )


def test_the_look_alike_is_stored_as_its_own_domain(two_people):
    real, look_alike = two_people
    assert real.email == REAL
    assert look_alike.email == "ceo@xn--gmal-nza.com"


def test_self_service_shows_each_person_their_own_enquiries_only(two_people):
    real, look_alike = two_people
    assert [e.pk for e in actions.enquiries_of(canonical_email(LOOK_ALIKE))] == [look_alike.pk]
    assert [e.pk for e in actions.enquiries_of(canonical_email(REAL))] == [real.pk]


def test_staff_search_finds_one_person_only(two_people, client, alice):
    real, look_alike = two_people
    changelist = reverse("admin:contacts_enquiry_changelist")
    for typed, expected in ((REAL, real), (LOOK_ALIKE, look_alike), ("CEO@Gmail.com", real)):
        response = client.get(changelist, {"q": typed})
        shown = [e.pk for e in response.context["cl"].result_list]
        assert shown == [expected.pk], typed
    assert list(Enquiry.objects.about_person(email=REAL)) == [real]


def test_an_objection_from_one_is_not_the_others(two_people):
    suppression.object_to_marketing(email=LOOK_ALIKE, channel="selvbetjening")
    assert suppression.suppressed_since(LOOK_ALIKE) is not None
    assert suppression.suppressed_since(REAL) is None
    assert suppression.suppressed_since(" CEO@GMAIL.COM ") is None


def test_the_form_refuses_a_local_part_outside_ascii_in_norwegian(client):
    response = client.post("/personvern/mine-opplysninger/", {"email": "åse@example.no"})
    assert response.status_code == 400
    assert "vanlige bokstaver (a–z)" in response.content.decode()
    with pytest.raises(NotAnAddress):
        canonical_email("åse@example.no")


EIGHT_SPELLINGS = [
    "kari@example.no",
    "Kari@Example.no",
    "KARI@EXAMPLE.NO",
    " kari@example.no ",
    "kari@EXAMPLE.no",
    "kari@ｅｘａｍｐｌｅ.no",  # fullwidth letters
    "KaRi@eXaMpLe.No",
    "kari@example.NO",
]


def test_eight_spellings_of_one_address_get_at_most_the_per_address_limit_of_links(
    client, settings
):
    settings.CONTACTS_SELF_SERVICE_CLIENT_RATE = "1000/h"
    settings.CONTACTS_SELF_SERVICE_ADDRESS_RATE = "5/h"
    make_enquiry(email="Kari@Example.no")
    assert {canonical_email(s) for s in EIGHT_SPELLINGS} == {"kari@example.no"}

    for spelling in EIGHT_SPELLINGS:
        assert ask_for_link(client, spelling).status_code == 303

    assert len(link_jobs()) == 5
