"""A password alone never reaches an admin page with personal data (DEBUG off, as in
production): every page sends the session to the second factor, or, without a device, to
the page that says to ask for an enrolment link."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.urls import reverse

from tests.contacts.factories import make_enquiry
from tests.staff.conftest import INBOX, NEED_LINK, VERIFY, code, log_in_with_password, send_code

pytestmark = pytest.mark.django_db
SUBJECT = "/intern/contacts/enquiry/personvern/"
NAME, EMAIL = "Ingrid Haugen", "ingrid.haugen@example.no"


def personal_pages(pk: int) -> list[tuple[str, str, dict]]:
    """Admin pages that show, export or search enquiries, as (method, path, data)."""
    pages = [
        ("get", "/intern/", {}),
        ("get", INBOX, {}),
        ("get", f"{INBOX}?q={EMAIL}", {}),
        ("get", f"{INBOX}{pk}/change/", {}),
        ("get", f"{INBOX}{pk}/history/", {}),
        ("get", f"{INBOX}{pk}/delete/", {}),
        ("post", INBOX, {"action": "export_csv", "_selected_action": [pk]}),
        ("get", SUBJECT, {}),
        ("post", SUBJECT, {"email": EMAIL}),
        ("post", SUBJECT + "innsyn/", {"email": EMAIL}),
        ("post", SUBJECT + "innsyn.json", {"email": EMAIL}),
        ("post", SUBJECT + "slett/", {"email": EMAIL}),
    ]
    # Every model's list, the subject requests' and the audit log's among them.
    for model in admin.site._registry:
        opts = model._meta
        pages.append(("get", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {}))
    return pages


@pytest.fixture
def enquiry():
    return make_enquiry(name=NAME, email=EMAIL)


@pytest.mark.parametrize("enrolled", [True, False], ids=["with-a-device", "without-a-device"])
def test_a_password_alone_reaches_no_admin_page_with_personal_data(
    client, kari, enquiry, enrolled, request
):
    assert django_settings.DEBUG is False
    assert django_settings.STAFF_2FA == "required"
    if enrolled:
        request.getfixturevalue("app")
    log_in_with_password(client, kari)

    for method, path, data in personal_pages(enquiry.pk):
        response = getattr(client, method)(path, data)
        body = response.content.decode(errors="replace")
        where = response.get("Location", "")
        assert response.status_code in (302, 403), (method, path, response.status_code)
        assert where.startswith(VERIFY if enrolled else NEED_LINK), (method, path, where)
        assert NAME not in body and EMAIL not in body and "Ingrid" not in body, (method, path)


def test_the_admin_site_itself_refuses_a_password_only_session(client, kari, app, settings):
    # Without the middleware's redirect, the admin's own check still keeps the data out.
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "staff.middleware.SecondFactorMiddleware"
    ]
    make_enquiry(name=NAME, email=EMAIL)
    log_in_with_password(client, kari)

    response = client.get(INBOX)

    assert response.status_code == 302 and response["Location"].startswith("/intern/login/")
    assert NAME not in client.get(response["Location"]).content.decode()


def test_after_the_second_factor_the_same_pages_open(client, kari, app, enquiry):
    log_in_with_password(client, kari)
    send_code(client, code(app))

    assert NAME in client.get(INBOX).content.decode()
    assert client.get(f"{INBOX}{enquiry.pk}/change/").status_code == 200


def test_with_2fa_optional_a_password_is_enough_in_development(client, kari, enquiry, settings):
    settings.STAFF_2FA = "optional"
    log_in_with_password(client, kari)

    assert NAME in client.get(INBOX).content.decode()
