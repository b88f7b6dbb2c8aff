"""Bodies bounded in the app too, whatever their encoding, and text that is not UTF-8
refused: nothing with replacement characters is stored."""

from __future__ import annotations

import urllib.parse

import pytest
from django.test.client import encode_multipart

from contacts.models import Enquiry

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def encoded(data: dict[str, str], **raw: str) -> bytes:
    """The form as a browser encodes it, with some fields given already percent-encoded."""
    parts = [urllib.parse.urlencode(data)] + [f"{name}={value}" for name, value in raw.items()]
    return "&".join(parts).encode()


@pytest.mark.parametrize("field", ["name", "company", "message"])
def test_text_that_is_not_utf8_gets_a_field_error_and_nothing_is_stored(client, fresh_form, field):
    data = fresh_form()
    data.pop(field)

    response = client.post(
        "/kontakt/", encoded(data, **{field: "Kari%C0%AF%FF%FE"}), content_type=FORM, secure=True
    )

    assert response.status_code == 400
    assert "tegn som ikke kunne leses" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_multipart_post_is_refused_in_norwegian_and_stores_nothing(client, fresh_form):
    body = encode_multipart("grense", fresh_form())
    multipart = "multipart/form-data; boundary=grense"

    response = client.post("/kontakt/", body, content_type=multipart, secure=True)

    assert response.status_code == 400
    assert "Vi tar ikke imot filer" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_chunked_post_is_refused(client, fresh_form):
    response = client.post(
        "/kontakt/",
        encoded(fresh_form()),
        content_type=FORM,
        secure=True,
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 400
    assert not Enquiry.objects.exists()


@pytest.mark.parametrize("path", ["/kontakt/", "/personvern/mine-opplysninger/", "/intern/login/"])
def test_a_body_over_the_cap_is_refused_before_it_is_read(client, fresh_form, settings, path):
    body = encoded({**fresh_form(), "message": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE})

    response = client.post(path, body, content_type=FORM, secure=True)

    assert response.status_code == 413
    assert "For mye data" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_form_just_under_the_cap_is_still_taken(client, fresh_form):
    response = client.post(
        "/kontakt/",
        encoded({**fresh_form(), "message": "Hei " * 400}),
        content_type=FORM,
        secure=True,
    )

    assert response.status_code == 303
    assert Enquiry.objects.count() == 1
