from __future__ import annotations

import re
import smtplib

import pytest
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend

VALID = {
    "name": "Kari Nordmann",
    "company": "Nordmann AS",
    "email": "kari@example.no",
    "phone": "912 34 567",
    "message": "Ring meg gjerne etter klokka ti.",
    "consent_enquiry": "on",
}


class FailingBackend(EmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture(autouse=True)
def _contact_settings(settings):
    settings.CONTACTS_MIN_FILL_SECONDS = 0
    settings.CONTACTS_NOTIFY_EMAILS = ["saksbehandler@example.no"]
    settings.SITE_URL = "https://pilaro.example"
    settings.CONTACTS_RATE_LIMIT = "1000/m"
    cache.clear()
    yield
    cache.clear()


def form_token(client, url: str = "/kontakt/") -> str:
    html = client.get(url).content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


@pytest.fixture
def fresh_form(client):
    """POST data for a freshly rendered form, valid unless changed."""

    def make(**changes: str) -> dict[str, str]:
        data = {**VALID, "token": form_token(client)}
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    return make
