"""Spam and abuse: the honeypot, the minimum fill time (its quarantine is in
test_quarantine.py) and the rate limit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from common.clients import client_key
from contacts.models import Enquiry, Notification
from pilaro_site.models import RateCounter

pytestmark = pytest.mark.django_db


def test_a_filled_honeypot_gets_the_thank_you_page_and_stores_nothing(client, fresh_form):
    response = client.post("/kontakt/", fresh_form(website="https://spam.example"))

    assert response.status_code == 303
    assert response["Location"] == "/kontakt/takk/"
    assert Enquiry.objects.count() == 0


def test_a_form_posted_faster_than_a_person_can_fill_it_goes_to_quarantine_not_the_inbox(
    client, fresh_form, settings
):
    settings.CONTACTS_MIN_FILL_SECONDS = 3

    response = client.post("/kontakt/", fresh_form())

    assert response.status_code == 303
    assert response["Location"] == "/kontakt/takk/"
    assert list(Enquiry.objects.values_list("status", flat=True)) == ["karantene"]
    assert not Notification.objects.exists()  # see tests/contacts/test_quarantine.py


def test_a_form_filled_at_human_speed_is_stored(client, fresh_form, settings):
    import datetime as dt

    import time_machine

    settings.CONTACTS_MIN_FILL_SECONDS = 3
    data = fresh_form()
    with time_machine.travel(dt.timedelta(seconds=4)):
        client.post("/kontakt/", data)

    assert Enquiry.objects.count() == 1


def test_the_rate_limit_answers_429_in_norwegian_after_the_configured_posts(
    client, fresh_form, settings
):
    settings.CONTACTS_RATE_LIMIT = "3/m"

    statuses = [client.post("/kontakt/", fresh_form()).status_code for _ in range(4)]
    limited = client.post("/kontakt/", fresh_form())

    assert statuses == [303, 303, 303, 429]
    assert limited.status_code == 429
    assert "For mange forsøk" in limited.content.decode()
    assert Enquiry.objects.count() == 3
    # Reading the form is not limited.
    assert client.get("/kontakt/").status_code == 200


def test_honeypot_posts_are_answered_before_the_rate_limit_counts(client, fresh_form, settings):
    # A flood of bots that fill the hidden field costs no counter write, and uses up no
    # one's posts.
    settings.CONTACTS_RATE_LIMIT = "1/m"

    bots = [client.post("/kontakt/", fresh_form(website="x")).status_code for _ in range(3)]
    person = client.post("/kontakt/", fresh_form())

    assert bots == [303, 303, 303]
    assert person.status_code == 303
    assert Enquiry.objects.count() == 1


def test_the_rate_limit_is_per_client_address(client, fresh_form, settings):
    settings.CONTACTS_RATE_LIMIT = "1/m"

    first = client.post("/kontakt/", fresh_form(), REMOTE_ADDR="192.0.2.1")
    other = client.post("/kontakt/", fresh_form(), REMOTE_ADDR="192.0.2.2")
    again = client.post("/kontakt/", fresh_form(), REMOTE_ADDR="192.0.2.1")

    assert (first.status_code, other.status_code, again.status_code) == (303, 303, 429)


def test_the_counters_never_hold_the_client_address(client, fresh_form, settings):
    address = "198.51.100.77"
    client.post("/kontakt/", fresh_form(), REMOTE_ADDR=address)

    [counter] = RateCounter.objects.all()
    assert address not in f"{counter.scope} {counter.key_hash}"
    assert counter.key_hash == client_key("g", RequestFactory().post("/", REMOTE_ADDR=address))
    key = client_key("g", RequestFactory().post("/", REMOTE_ADDR=address))
    assert address not in key and len(key) == 64
    settings.SECRET_KEY = "another-secret-gives-another-key-" + "x" * 20
    assert client_key("g", RequestFactory().post("/", REMOTE_ADDR=address)) != key


def test_behind_a_proxy_the_address_it_appended_is_the_client(settings):
    settings.CONTACTS_TRUSTED_PROXIES = 1
    factory = RequestFactory()
    a = factory.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    b = factory.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    c = factory.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6")

    # A client cannot dodge the limit by sending its own X-Forwarded-For in front.
    assert client_key("g", a) == client_key("g", b) != client_key("g", c)


# --- Refused in order of cost: the honeypot, the token, then the rate limit's write -------


def _statements(client, data, **extra) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.post("/kontakt/", data, **extra).status_code
    return status, [q["sql"] for q in queries.captured_queries]


def test_a_honeypot_post_touches_no_table(client, fresh_form):
    status, statements = _statements(client, fresh_form(website="https://spam.example"))

    assert (status, statements) == (303, [])


def test_a_honeypot_post_is_answered_before_the_session_with_the_site_headers(monkeypatch):
    """contacts/intake/edge.py: no CSRF cookie or token, a forged form token, and still the
    view's thank-you redirect (a bot learns nothing), answered before the session
    middleware and everything after it, with the headers every answer carries."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.test import Client

    def reached(*args):
        raise AssertionError("the session middleware was reached")

    monkeypatch.setattr(SessionMiddleware, "process_request", reached)
    bot = Client(enforce_csrf_checks=True)

    response = bot.post("/kontakt/", {"website": "https://spam.example", "token": "forged"})

    assert (response.status_code, response["Location"]) == (303, "/kontakt/takk/")
    assert "Content-Security-Policy" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Permissions-Policy" in response
    assert not response.cookies
    assert not Enquiry.objects.exists()


def test_a_post_without_the_hidden_field_still_meets_the_csrf_check():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/kontakt/", {"name": "Kari"})

    assert response.status_code == 403


def test_a_post_whose_token_cannot_be_used_uses_up_none_of_the_client_s_posts(
    client, fresh_form, settings
):
    settings.CONTACTS_RATE_LIMIT = "1/m"

    forged = [client.post("/kontakt/", fresh_form(token="forged")) for _ in range(2)]
    person = client.post("/kontakt/", fresh_form())

    assert [r.status_code for r in forged] == [400, 400]
    assert "Skjemaet kunne ikke leses" in forged[1].content.decode()
    assert person.status_code == 303
    assert not RateCounter.objects.filter(hits__gt=1).exists()


def test_a_post_counts_its_limit_in_one_statement_without_a_lock(client, fresh_form):
    status, statements = _statements(client, fresh_form())

    counted = [s for s in statements if "pilaro_rate_counter" in s]
    assert status == 303
    assert len(counted) == 1
    assert counted[0].startswith("INSERT INTO pilaro_rate_counter")
    assert not any("advisory" in s for s in statements)


def test_over_the_limit_a_post_writes_nothing_more(client, fresh_form, settings):
    settings.CONTACTS_RATE_LIMIT = "1/m"
    client.post("/kontakt/", fresh_form())

    statuses = [client.post("/kontakt/", fresh_form()).status_code for _ in range(2)]

    assert statuses == [429, 429]
    assert list(RateCounter.objects.values_list("hits", flat=True)) == [1]


def test_over_the_limit_a_post_is_answered_before_the_form_is_built(
    client, fresh_form, settings, monkeypatch
):
    """The token is read from the posted data and the limit counted before the form and
    its fields are built: what a post over the limit costs is the token and the count."""
    from contacts.intake import views

    settings.CONTACTS_RATE_LIMIT = "1/m"
    client.post("/kontakt/", fresh_form())
    built = []
    monkeypatch.setattr(views, "EnquiryForm", lambda *a, **k: built.append(a))

    response = client.post("/kontakt/", fresh_form())

    assert (response.status_code, built) == (429, [])


def test_a_stored_post_reads_its_token_once(client, fresh_form, monkeypatch):
    """The view reads the token for the rate limit and hands it to the form."""
    from contacts.intake import forms, tokens, views

    reads = []

    def counted(raw):
        reads.append(raw)
        return tokens.read_token(raw)

    monkeypatch.setattr(views, "read_token", counted)
    monkeypatch.setattr(forms, "read_token", counted)

    response = client.post("/kontakt/", fresh_form())

    assert response.status_code == 303 and Enquiry.objects.count() == 1
    assert len(reads) == 1


def test_the_429_page_is_rendered_once_and_served_alike_to_every_client_over_the_limit(
    client, fresh_form, settings
):
    """pagecache.shared_render: a flood over the limit costs no template rendering after
    the first; a changed setting (the company's name here) renders it afresh."""
    settings.CONTACTS_RATE_LIMIT = "1/m"
    client.post("/kontakt/", fresh_form())

    first, second = (client.post("/kontakt/", fresh_form()) for _ in range(2))
    settings.COMPANY = {**settings.COMPANY, "name": "Et annet navn AS"}
    renamed = client.post("/kontakt/", fresh_form())

    assert (first.status_code, second.status_code, renamed.status_code) == (429, 429, 429)
    assert "contacts/too_many.html" in [t.name for t in first.templates]
    assert second.templates == []
    assert second.content == first.content
    assert "For mange forsøk" in second.content.decode()
    assert "Et annet navn AS" in renamed.content.decode()
    assert "Et annet navn AS" not in first.content.decode()


def test_a_counter_store_down_lets_the_post_through_with_one_error_line(
    client, fresh_form, monkeypatch, caplog
):
    from common import limits

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(limits, "over_rate", down)
    address = "198.51.100.78"
    response = client.post("/kontakt/", fresh_form(), REMOTE_ADDR=address)

    [line] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert response.status_code == 303
    assert Enquiry.objects.count() == 1
    assert line.getMessage() == "Callback form: rate limit store unavailable (ConnectionError)"
    assert address not in caplog.text
