from __future__ import annotations

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

COMPANY_WITH_FACTS = {
    "name": "Pilaro AS",
    "email": "post@example.no",
    "phone": "+47 22 00 00 00",
    "address": "",
    "org_number": "",
}


def test_the_home_page_is_norwegian_with_landmarks_and_a_skip_link(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nb">' in html
    assert 'href="#innhold"' in html and 'id="innhold"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert 'href="/personvern/"' in html


def test_the_home_page_ends_with_the_callback_section(client):
    html = client.get("/").content.decode()

    main = html[html.index("<main") : html.index("</main>")]
    sections = re.findall(r"<section[^>]*>", main)
    assert 'id="kontakt"' in sections[-1]
    assert "Ønsker du at vi skal ta kontakt med deg?" in main


def test_the_home_page_links_to_no_other_host(client, settings):
    html = client.get("/").content.decode()

    urls = re.findall(r"""(?:href|src|action|content)\s*=\s*["']([^"']*)["']""", html)
    urls += re.findall(r"url\(([^)]*)\)", html)
    assert urls, "the page should contain links"
    # Absolute addresses on the site's own host (the canonical link, og:url) are ours.
    absolute = [u for u in urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", u, re.I)]
    own = (f"{settings.SITE_URL}/", "http://testserver/")
    foreign = [u for u in absolute if not u.startswith(own)]
    assert foreign == []


def test_company_facts_are_shown_only_when_set(client):
    html = client.get("/").content.decode()
    assert "company-facts" not in html and "mailto:" not in html

    with override_settings(COMPANY=COMPANY_WITH_FACTS):
        html = client.get("/").content.decode()

    assert 'href="mailto:post@example.no"' in html
    assert 'href="tel:+4722000000"' in html
    assert "Org.nr." not in html and "Adresse" not in html


def test_an_unknown_page_answers_a_norwegian_404(client):
    response = client.get("/finnes-ikke/")

    assert response.status_code == 404
    assert "Siden finnes ikke" in response.content.decode()


def test_a_post_without_csrf_token_answers_a_norwegian_403():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/intern/login/", {"username": "x"})

    assert response.status_code == 403
    assert "Skjemaet kunne ikke sendes" in response.content.decode()


def test_a_bad_host_header_answers_a_norwegian_400(client):
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.content.decode()


def test_a_server_error_answers_the_norwegian_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.site.urls_failing"
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()
