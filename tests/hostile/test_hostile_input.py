"""Hostile input, corpus-driven and property-based: every answer is a 4xx or a normal
page, never a 5xx, and nothing from an invalid request is stored.

The corpus is tests/hostile/corpus.json; Hypothesis adds generated cases within the
budget set in tests/conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contacts.models import Enquiry

CORPUS = json.loads((Path(__file__).parent / "corpus.json").read_text())
FIELDS = [
    "name",
    "company",
    "email",
    "phone",
    "message",
    "consent_enquiry",
    "consent_marketing",
    "website",
    "token",
]
PUBLIC_URLS = [
    "/",
    "/personvern/",
    "/personvern/versjoner/",
    "/personvern/versjoner/1.0/",
    "/personvern/versjoner/1.1/endringer/",
    "/kontakt/",
    "/kontakt/takk/",
    "/healthz/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap.xml?p=x",
    "/.well-known/security.txt",
    "/intern/login/",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "BREW"]
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

pytestmark = pytest.mark.django_db


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_every_public_url_is_answered_without_a_server_error(client, url, method):
    response = client.generic(method, url)

    assert_no_server_error(response)
    if method not in ("GET", "HEAD", "POST") or url != "/kontakt/":
        assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("path", CORPUS["paths"])
def test_hostile_paths_are_answered_without_a_server_error_or_a_file_leak(client, path):
    response = client.get(path)

    assert_no_server_error(response)
    assert b"SECRET_KEY" not in response.content and b"root:x:" not in response.content


@pytest.mark.parametrize("value", CORPUS["strings"])
@pytest.mark.parametrize("field", FIELDS)
def test_every_corpus_string_in_every_field(client, fresh_form, field, value):
    response = client.post("/kontakt/", fresh_form(**{field: value}))

    assert_no_server_error(response)
    if response.status_code != 303:
        assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("length", CORPUS["long_lengths"])
def test_very_long_values_are_refused_by_the_field_or_the_body_limit(client, fresh_form, length):
    response = client.post("/kontakt/", fresh_form(name="K" * length, message="m" * length))

    # A field error (400), or over the body cap before anything is read (413).
    assert response.status_code in (400, 413)
    assert Enquiry.objects.count() == 0


def test_an_oversized_body_is_a_413_before_it_is_read(client, fresh_form):
    response = client.post("/kontakt/", fresh_form(message="x" * (200 * 1024)))

    assert response.status_code == 413
    assert "For mye data" in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_invalid_utf8_is_answered_without_a_server_error(client, fresh_form):
    data = fresh_form()
    body = (
        "&".join(f"{k}={v}" for k, v in data.items() if k != "name").encode()
        + b"&name=\xff\xfe\xc3("
    )

    response = client.post("/kontakt/", body, content_type="application/x-www-form-urlencoded")

    assert_no_server_error(response)


def test_a_very_long_url_is_a_404(client):
    assert client.get("/personvern/" + "a" * 20000).status_code == 404
    assert client.get("/kontakt/", {"q": "x" * 20000}).status_code == 200


def test_duplicate_fields_are_answered_without_a_server_error(client, fresh_form):
    data = fresh_form()
    data = {k: [v, v + "<script>"] for k, v in data.items()}

    response = client.post("/kontakt/", data)

    assert_no_server_error(response)


def test_json_instead_of_form_data_stores_nothing(client, fresh_form):
    response = client.post("/kontakt/", json.dumps(fresh_form()), content_type="application/json")

    assert response.status_code == 400
    assert Enquiry.objects.count() == 0


@pytest.mark.parametrize("token", [None, "", "wrong-token-" + "x" * 20])
def test_a_missing_or_wrong_csrf_token_is_a_norwegian_403_and_stores_nothing(fresh_form, token):
    client = Client(enforce_csrf_checks=True)
    data = fresh_form()
    if token is not None:
        data["csrfmiddlewaretoken"] = token

    response = client.post("/kontakt/", data)

    assert response.status_code == 403
    assert "Skjemaet kunne ikke sendes" in response.content.decode()
    assert Enquiry.objects.count() == 0


@fixture_ok
@given(path=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_generated_paths_under_the_notice_never_get_a_server_error(client, path):
    from urllib.parse import quote

    assert_no_server_error(client.get("/personvern/versjoner/" + quote(path, safe="/.")))


@fixture_ok
@given(
    body=st.binary(max_size=4096),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/json",
            "text/plain",
            "",
        ]
    ),
)
def test_generated_bodies_never_get_a_server_error(client, body, content_type):
    response = client.post("/kontakt/", body, content_type=content_type)

    assert_no_server_error(response)
    assert Enquiry.objects.count() == 0
