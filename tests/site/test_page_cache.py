"""Anonymous readers get public pages from memory, each with their own tokens."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.test.signals import template_rendered

from contacts.models import Enquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders():
    seen: list[str] = []

    def record(sender, template, **kwargs):
        seen.append(template.name)

    template_rendered.connect(record)
    yield seen
    template_rendered.disconnect(record)


def tokens(html: str) -> tuple[str, str]:
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return csrf, form


@pytest.mark.parametrize("url", ["/", "/personvern/", "/kontakt/", "/kontakt/takk/"])
def test_a_public_page_is_rendered_once_for_all_anonymous_readers(renders, url):
    first = Client().get(url)
    rendered = len(renders)
    second = Client().get(url)

    assert first.status_code == second.status_code == 200
    assert rendered > 0
    assert len(renders) == rendered


def test_each_reader_gets_their_own_working_tokens_from_the_cached_page(renders, fresh_form):
    anna, bjorn = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    anna_html = anna.get("/").content.decode()
    bjorn_html = bjorn.get("/").content.decode()

    assert tokens(anna_html)[1] != tokens(bjorn_html)[1]
    assert anna.cookies["csrftoken"].value != bjorn.cookies["csrftoken"].value
    assert anna_html.replace(tokens(anna_html)[0], "").replace(tokens(anna_html)[1], "") == (
        bjorn_html.replace(tokens(bjorn_html)[0], "").replace(tokens(bjorn_html)[1], "")
    )
    csrf, form = tokens(bjorn_html)
    data = {**fresh_form(), "csrfmiddlewaretoken": csrf, "token": form}
    assert bjorn.post("/kontakt/", data).status_code == 303
    assert Enquiry.objects.count() == 1


def test_a_returning_reader_keeps_their_csrf_cookie(renders):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    cookie = client.cookies["csrftoken"].value

    client.get("/")

    assert client.cookies["csrftoken"].value == cookie


def test_the_cached_page_keeps_its_security_headers_and_answers_304(renders):
    first = Client().get("/personvern/")
    again = Client().get("/personvern/")
    conditional = Client().get("/personvern/", headers={"if-none-match": first["ETag"]})

    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "ETag"):
        assert again[header] == first[header]
    assert again.content == first.content
    assert conditional.status_code == 304


def test_staff_and_query_strings_get_the_full_stack(renders, client):
    Client().get("/")
    per_page = len(renders)
    Client().get("/")  # shared: not rendered again
    Client().get("/?utm=x")
    client.force_login(User.objects.create_user("alice", is_staff=True))
    client.get("/")

    assert len(renders) == 3 * per_page


def test_a_new_day_renders_the_page_again(renders, notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-12-01")
    oslo = ZoneInfo("Europe/Oslo")

    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 58, tzinfo=oslo), tick=False):
        Client().get("/personvern/")
        per_page = len(renders)
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 59, tzinfo=oslo), tick=False):
        before = Client().get("/personvern/").content.decode()
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 1, tzinfo=oslo), tick=False):
        after = Client().get("/personvern/").content.decode()

    assert "Versjon 1.0" in before and "Versjon 1.1" in after
    assert len(renders) == 2 * per_page  # once on each day


def test_in_development_every_request_renders_so_template_edits_show(renders, settings):
    Client().get("/personvern/")
    per_page = len(renders)
    Client().get("/personvern/")
    settings.DEBUG = True
    Client().get("/personvern/")
    Client().get("/personvern/")

    assert per_page > 0 and len(renders) == 3 * per_page


@pytest.mark.parametrize("debug", [False, True])
def test_no_reader_ever_sees_a_placeholder_for_a_token(client, settings, debug):
    settings.DEBUG = debug
    pages = [Client().get(url) for url in ("/", "/kontakt/", "/", "/kontakt/")]
    client.force_login(User.objects.create_user("alice", is_staff=True))
    pages += [client.get("/"), client.get("/kontakt/")]

    for page in pages:
        html = page.content.decode()
        assert "\x00" not in html
        # A length set for the page with placeholders would cut the filled page short.
        assert int(page.get("Content-Length", len(page.content))) == len(page.content)
        csrf, form = tokens(html)
        assert len(csrf) == 64 and len(form) > 60


@pytest.mark.urls("tests.site.urls_shared_pages")
def test_a_page_marked_private_is_never_shared(renders):
    for _ in range(2):
        Client().get("/offentlig/")
    public = len(renders)
    for _ in range(2):
        Client().get("/privat/")

    assert public > 0
    assert len(renders) == 3 * public  # the public page once, the private one each time


def test_a_page_built_for_one_host_is_never_served_to_another(renders, settings):
    # Without PILARO_SITE_URL (development) the canonical link is the request's own address;
    # a host:port one reader sent must not reach the readers of another host.
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["pilaro.example", "pilaro.example:4443"]

    odd = Client().get("/personvern/", HTTP_HOST="pilaro.example:4443")
    rendered = len(renders)
    plain = Client().get("/personvern/", HTTP_HOST="pilaro.example")
    again = Client().get("/personvern/", HTTP_HOST="pilaro.example")

    assert b"pilaro.example:4443" in odd.content
    assert len(renders) > rendered  # built afresh for the other host, then shared by it
    assert b"pilaro.example:4443" not in plain.content
    assert again.content == plain.content


def test_shared_render_never_keeps_a_page_that_holds_the_reader_s_csrf_token(settings, rf):
    """pagecache.shared_render keeps a page for every reader only if rendering it asked
    for nobody's CSRF token; a template that does is rendered for each reader."""
    from pagecache import shared_render

    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"form.html": "{% csrf_token %}"})
                ],
                "context_processors": ["django.template.context_processors.csrf"],
            },
        }
    ]

    first, second = (shared_render(rf.post("/kontakt/"), "form.html", status=429) for _ in "ab")

    tokens = [re.search(r'value="([^"]+)"', r.content.decode()).group(1) for r in (first, second)]
    assert (first.status_code, second.status_code) == (429, 429)
    assert tokens[0] != tokens[1]
