"""The site on the open web: robots.txt, the sitemap, canonical and Open Graph tags, the
Organization data, security.txt and its deploy check (pilaro_site/seo.py)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from pilaro_site.checks import check_security_contact
from pilaro_site.env import env_contact_uris
from privacy.registry import get_registry
from tests.pages import EVERY_PUBLIC_PAGE
from tests.servers import clean_env
from tests.site.conftest import PRODUCTION_ENV

pytestmark = pytest.mark.django_db

SITE = "https://pilaro.example"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
FACTS = {"email": "", "phone": "", "address": "", "org_number": ""}


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


# --- robots.txt and staff pages ---------------------------------------------------------


def test_robots_txt_allows_every_page_and_points_to_the_sitemap(client, site_url, settings):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    # The admin's path is meant to be unguessable: the public file never names it.
    assert not any(line.startswith("Disallow") for line in lines)
    assert settings.ADMIN_PATH.strip("/") not in response.content.decode()


def test_staff_pages_ask_not_to_be_indexed_and_public_pages_do_not(client, settings):
    staff = client.get(f"/{settings.ADMIN_PATH}login/")
    public = client.get("/personvern/")

    assert staff["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in public


# --- sitemap.xml --------------------------------------------------------------------------


def sitemap(client) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own page, not untrusted
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_the_sitemap_lists_the_public_pages_and_every_published_version(client, site_url):
    urls = sitemap(client)

    registry = get_registry()
    today = timezone.localdate()
    for notice in registry.published:
        shown_since = min(notice.effective, today).isoformat()
        assert urls.pop(f"{SITE}/personvern/versjoner/{notice.version}/") == shown_since
        if registry.predecessor(notice):
            assert urls.pop(f"{SITE}/personvern/versjoner/{notice.version}/endringer/") == (
                shown_since
            )
    in_force = registry.in_force().effective.isoformat()
    assert urls == {
        f"{SITE}/": None,
        f"{SITE}/kontakt/": None,
        f"{SITE}/personvern/": in_force,
        f"{SITE}/personvern/versjoner/": in_force,
        f"{SITE}/personvern/mine-opplysninger/": None,
    }
    assert registry.drafts and not any("/2.0/" in url for url in urls)


def test_without_a_site_url_the_sitemap_uses_the_request_s_address(client, settings):
    settings.SITE_URL = ""

    urls = sitemap(client)

    assert "http://testserver/personvern/" in urls
    assert all(url.startswith("http://testserver/") for url in urls)


# --- canonical link, Open Graph ---------------------------------------------------------


def head_tags(page: str) -> dict[str, str]:
    head = page[: page.index("</head>")]
    tags = {
        f"meta {m[0]}": html.unescape(m[1])
        for m in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', head)
    }
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', head)
    assert len(canonical) <= 1
    if canonical:
        tags["canonical"] = canonical[0]
    tags["title"] = html.unescape(re.search(r"<title>([^<]*)</title>", head).group(1))
    return tags


@pytest.mark.parametrize("path", [p for p in EVERY_PUBLIC_PAGE if p != "/finnes-ikke/"])
def test_every_public_page_has_a_canonical_link_and_open_graph_tags(client, site_url, path):
    tags = head_tags(client.get(path).content.decode())

    assert tags["canonical"] == tags["meta og:url"] == SITE + path
    assert tags["meta og:title"] == tags["title"] and "Pilaro AS" in tags["title"]
    assert tags["meta og:description"] == tags["meta description"] != ""
    assert tags["meta og:type"] == "website"
    assert tags["meta og:locale"] == "nb_NO"


def test_an_error_page_has_no_canonical_link(client, site_url):
    response = client.get("/finnes-ikke/")

    assert response.status_code == 404
    assert "canonical" not in head_tags(response.content.decode())
    assert "og:url" not in response.content.decode()


# --- schema.org Organization ------------------------------------------------------------


def organization(client) -> dict:
    page = client.get("/").content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_the_organization_has_only_the_name_and_address_when_no_facts_are_set(
    client, site_url, settings
):
    settings.COMPANY = {"name": "Pilaro AS", **FACTS}

    assert organization(client) == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Pilaro AS",
        "url": f"{SITE}/",
    }


def test_the_organization_has_each_fact_the_company_has_set(client, site_url, settings):
    settings.COMPANY = {
        "name": "Pilaro AS",
        "email": "post@pilaro.example",
        "phone": "+47 22 22 22 22",
        "address": "Eksempelveien 1, 0001 Oslo",
        "org_number": "123 456 789",
    }

    data = organization(client)

    assert data["email"] == "post@pilaro.example"
    assert data["telephone"] == "+47 22 22 22 22"
    assert data["address"] == "Eksempelveien 1, 0001 Oslo"
    # ISO 6523 code 0192: Enhetsregisteret, where organisation numbers are issued.
    assert data["iso6523Code"] == "0192:123456789"


def test_a_malformed_organisation_number_is_left_out(client, site_url, settings):
    settings.COMPANY = {"name": "Pilaro AS", **FACTS, "org_number": "12345"}

    assert "iso6523Code" not in organization(client)


def test_a_company_name_cannot_end_the_data_block(client, site_url, settings):
    name = 'Pilaro </script><script>alert("x")</script> & <!-- AS'
    settings.COMPANY = {"name": name, **FACTS}

    page = client.get("/").content.decode()

    assert "<script>alert" not in page and "<!-- AS" not in page
    assert organization(client)["name"] == name


# --- security.txt -----------------------------------------------------------------------


def test_without_a_security_contact_there_is_no_security_txt(client, settings):
    settings.SECURITY_CONTACTS = []

    assert client.get("/.well-known/security.txt").status_code == 404


@pytest.mark.time_machine(dt.datetime(2027, 3, 1, 12, 30, tzinfo=dt.UTC))
def test_security_txt_names_the_contact_and_expires_within_a_year(client, site_url, settings):
    settings.SECURITY_CONTACTS = ["mailto:security@pilaro.example", f"{SITE}/sikkerhet"]

    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "Contact: mailto:security@pilaro.example",
        f"Contact: {SITE}/sikkerhet",
        "Expires: 2027-08-28T12:30:00Z",
        "Preferred-Languages: no, en",
        f"Canonical: {SITE}/.well-known/security.txt",
    ]


def test_security_txt_s_expiry_moves_with_the_clock(client, settings, time_machine):
    settings.SECURITY_CONTACTS = ["mailto:security@pilaro.example"]

    def expires() -> dt.datetime:
        text = client.get("/.well-known/security.txt").content.decode()
        return dt.datetime.fromisoformat(re.search(r"^Expires: (.+)$", text, re.M).group(1))

    time_machine.move_to(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    first = expires()
    time_machine.move_to(dt.datetime(2031, 6, 1, tzinfo=dt.UTC))
    later = expires()

    assert first.tzinfo is not None
    assert timezone.now() < later < timezone.now() + dt.timedelta(days=365)
    assert later - first == dt.timedelta(days=516)


@pytest.mark.parametrize(
    "value",
    ["mailto:security@pilaro.no", "https://pilaro.no/sikkerhet", "tel:+47-22-22-22-22"],
)
def test_a_security_contact_is_a_mailto_https_or_tel_address(monkeypatch, value):
    monkeypatch.setenv("PILARO_SECURITY_CONTACT", f"{value}, mailto:a@pilaro.no")

    assert env_contact_uris("PILARO_SECURITY_CONTACT") == [value, "mailto:a@pilaro.no"]


@pytest.mark.parametrize(
    "value",
    ["security@pilaro.no", "mailto:ikke en adresse", "http://pilaro.no/", "javascript:alert(1)"],
)
def test_a_malformed_security_contact_stops_the_start_naming_the_variable(run_python, value):
    result = run_python(
        ["manage.py", "check"], clean_env(**{**PRODUCTION_ENV, "PILARO_SECURITY_CONTACT": value})
    )

    assert result.returncode != 0
    assert result.stderr.startswith("Configuration error: PILARO_SECURITY_CONTACT must be")
    assert "Traceback" not in result.stderr


def test_the_deploy_check_warns_without_a_security_contact(settings):
    settings.SECURITY_CONTACTS = []
    warned = [w.id for w in check_security_contact(None)]
    settings.SECURITY_CONTACTS = ["mailto:security@pilaro.example"]

    assert warned == ["pilaro_site.W001"] and check_security_contact(None) == []


def test_make_serve_s_check_warns_but_does_not_stop_without_a_security_contact(run_python):
    env = clean_env(**PRODUCTION_ENV)
    del env["PILARO_SECURITY_CONTACT"]

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], env)

    assert result.returncode == 0, result.stderr
    assert "pilaro_site.W001" in result.stderr + result.stdout
