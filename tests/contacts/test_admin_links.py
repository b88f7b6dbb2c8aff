"""Links to a filtered admin list (in staff e-mails and on the admin index) come from the
filters themselves, so they cannot name a filter or a value the list does not have."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from contacts.admin import filters
from contacts.models import Enquiry, SubjectRequest

pytestmark = pytest.mark.django_db


def test_a_link_sets_the_filters_it_names():
    assert filters.list_url("contacts.enquiry", status="all", sletting=7) == (
        "/intern/contacts/enquiry/?status=all&sletting=7"
    )
    assert filters.CallbackFilter.url(frist="forfalt", saksbehandler="meg") == (
        "/intern/contacts/enquiry/?frist=forfalt&saksbehandler=meg"
    )
    assert filters.list_url("contacts.subjectrequest", status="apen") == (
        "/intern/contacts/subjectrequest/?status=apen"
    )


@pytest.mark.parametrize(
    "params", [{"sletting": 8}, {"status": "besvarte"}, {"frister": "forfalt"}, {"status": ""}]
)
def test_a_filter_or_value_the_list_does_not_have_is_refused(params):
    with pytest.raises(ValueError, match="has no filter"):
        filters.list_url("contacts.enquiry", **params)


@pytest.mark.parametrize("model", [Enquiry, SubjectRequest])
def test_every_value_a_link_may_carry_is_one_the_filter_offers(model, alice):
    request = RequestFactory().get("/")
    request.user = alice
    model_admin = admin.site._registry[model]
    linked = [f for f in model_admin.list_filter if isinstance(f, type)]

    assert linked, "the list should have filters that links can set"
    for filter_class in linked:
        assert issubclass(filter_class, filters.LinkedFilter), filter_class
        offered = {
            str(value) for value, _ in filter_class(request, {}, model, model_admin).lookup_choices
        }
        assert set(filter_class.link_values) <= offered, filter_class.__name__
