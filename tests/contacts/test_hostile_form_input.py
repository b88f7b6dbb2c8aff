"""Whatever arrives in any field, the form answers without a server error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Enquiry

FIELDS = ["name", "company", "email", "phone", "message", "consent_enquiry", "website", "token"]
# Any text, including control characters, lone surrogates' replacements and very long runs.
text = st.text(st.characters(codec="utf-8"), max_size=3000)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.fixed_dictionaries({}, optional={field: text for field in FIELDS}))
def test_arbitrary_text_in_every_field_never_gets_a_server_error(client, data):
    response = client.post("/kontakt/", data)

    assert response.status_code < 500
    if response.status_code != 303:
        assert Enquiry.objects.count() == 0
