"""Hostile input on every page of "Dine opplysninger": every answer
is a Norwegian page with a 4xx or a normal page, never a 5xx, and nothing is erased, sent
or recorded that should not be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from contacts.models import AccessLink, Consent, Enquiry, SubjectRequest
from tests.selfservice.conftest import BASE, link_jobs

pytestmark = pytest.mark.django_db
CORPUS = json.loads((Path(__file__).parents[1] / "hostile" / "corpus.json").read_text())
PAGES = [
    "",
    "sendt/",
    "lenke/" + "A" * 43 + "/",
    "skjema/1.json",
    "oversikt/",
    "kopi/",
    "last-ned/",
    "trekk-tilbake/",
    "reservasjon/",
    "slett/",
    "slett/1/",
    "retting/",
    "avslutt/",
    "avsluttet/",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
fixture_ok = hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


def unchanged() -> tuple:
    return (
        Enquiry.objects.count(),
        Consent.objects.filter(withdrawn_at__isnull=False).count(),
        SubjectRequest.objects.exclude(kind="innsyn").count(),
        len(link_jobs()),
    )


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", METHODS)
def test_every_method_on_every_page_without_a_session(client, kari, path, method):
    before = unchanged()

    response = client.generic(method, BASE + path, secure=True)

    assert response.status_code < 500, response.content[:300]
    if method != "POST" or path != "":
        assert unchanged() == before
    if response.status_code >= 400 and method != "HEAD":
        assert 'lang="nb"' in response.content.decode()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "OPTIONS"])
def test_other_methods_in_a_session_change_nothing(kari_session, path, method):
    before = unchanged()

    response = kari_session.generic(method, BASE + path, secure=True)

    assert response.status_code < 500
    assert unchanged() == before


@pytest.mark.parametrize("value", CORPUS["strings"])
def test_every_corpus_string_as_the_address(client, kari, value):
    response = client.post(BASE, {"email": value}, secure=True)

    assert response.status_code in (303, 400)
    assert AccessLink.objects.count() == 0
    if response.status_code == 303:
        assert response["Location"] == BASE + "sendt/"


@pytest.mark.parametrize("value", CORPUS["strings"])
def test_every_corpus_string_as_a_correction(kari_session, value):
    response = kari_session.post(BASE + "retting/", {"text": value}, secure=True)

    assert response.status_code in (303, 400)
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("path", CORPUS["paths"])
def test_hostile_paths_below_the_page(client, path):
    response = client.get(BASE + path.lstrip("/"), secure=True)

    assert response.status_code < 500
    assert b"SECRET_KEY" not in response.content


@pytest.mark.parametrize("length", [n for n in CORPUS["long_lengths"] if n > 254])
def test_a_too_long_address_is_refused(client, kari, length):
    response = client.post(BASE, {"email": "k" * length + "@example.no"}, secure=True)

    assert response.status_code == 400
    assert link_jobs() == []


@pytest.mark.parametrize("length", [n for n in CORPUS["long_lengths"] if n > 1000])
def test_a_too_long_correction_is_refused(kari_session, length):
    response = kari_session.post(BASE + "retting/", {"text": "r" * length}, secure=True)

    assert response.status_code == 400
    assert SubjectRequest.objects.filter(kind="retting").count() == 0


def test_duplicate_and_json_bodies_are_answered_without_a_server_error(client, kari):
    duplicate = client.post(BASE, {"email": ["kari@example.no", "ola@example.no"]}, secure=True)
    as_json = client.post(
        BASE, json.dumps({"email": "kari@example.no"}), content_type="application/json"
    )

    assert duplicate.status_code == 303
    assert as_json.status_code == 400
    assert len(link_jobs()) <= 1


def test_an_erase_of_a_non_number_or_huge_number_is_a_404(kari_session):
    for path in ("slett/abc/", "slett/-1/", "slett/99999999999999999999999/"):
        assert kari_session.post(BASE + path, secure=True).status_code == 404
    assert Enquiry.objects.count() == 3


@fixture_ok
@given(text=st.text(max_size=300))
def test_any_text_as_the_address_is_a_303_or_a_400(client, text):
    response = client.post(BASE, {"email": text}, secure=True)

    assert response.status_code in (303, 400)


@fixture_ok
@given(secret=st.text(alphabet=SECRET_ALPHABET, min_size=1, max_size=80))
def test_any_secret_is_a_404_or_a_410(client, secret):
    response = client.post(BASE + f"lenke/{secret}/", secure=True)

    assert response.status_code in (404, 410)
