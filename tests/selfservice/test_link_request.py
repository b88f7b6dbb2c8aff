"""Asking for a link to "Dine opplysninger": the same
answer whatever the address, one e-mail with the link and nothing else, rate limits per
client and per address, and the address in no URL, job or log."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

import pytest
import time_machine
from django.utils import timezone

from contacts.models import AccessLink
from contacts.retention.keys import person_key
from contacts.rights.selfservice import links
from tests.selfservice.conftest import (
    BASE,
    ask_for_link,
    link_jobs,
    link_path,
    run_link_jobs,
)

pytestmark = pytest.mark.django_db
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def answer(client, email: str) -> tuple[int, str, bytes]:
    """The POST's status and Location, and the page it leads to, CSRF tokens blanked."""
    posted = ask_for_link(client, email)
    page = client.get(posted["Location"], secure=True)
    return posted.status_code, posted["Location"], CSRF.sub(b"", page.content)


def test_the_page_asks_for_an_address_in_norwegian(client):
    response = client.get(BASE, secure=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nb">' in html and "<h1" in html and "Dine opplysninger" in html
    assert 'type="email"' in html and 'autocomplete="email"' in html
    assert "30 minutter" in html
    assert "no-store" in response["Cache-Control"]


def test_a_known_address_gets_one_e_mail_with_the_link_and_nothing_else(client, kari, mailoutbox):
    status, location, page = answer(client, "  Kari@Example.NO ")

    assert (status, location) == (303, BASE + "sendt/")
    assert "kari" not in location.lower()
    assert "Hvis vi har opplysninger knyttet til adressen, har vi sendt en lenke" in (
        page.decode()
    )
    assert mailoutbox == []  # the job sends it, not the request
    [job] = link_jobs()
    assert job.args == {"enquiry_id": kari[0].pk}  # no address, no secret in the queue
    assert AccessLink.objects.count() == 0

    assert run_link_jobs() == []

    [message] = mailoutbox
    assert message.to == ["kari@example.no"]
    assert message.subject == "Lenke til Dine opplysninger hos Pilaro AS"
    path = link_path(message)
    for data in ("Kari", "Nordmann", "912", "Ring meg", "kari@", "Markedsføring"):
        assert data not in message.subject + message.body
    [link] = AccessLink.objects.all()
    secret = path.rstrip("/").rsplit("/", 1)[1]
    assert secret not in (link.secret_hash, link.person_key)
    assert link.secret_hash == links.secret_hash(secret)
    assert link.person_key == person_key("kari@example.no")
    assert link.used_at is None
    lifetime = link.expires_at - link.created_at
    assert lifetime == dt.timedelta(minutes=30)


def test_the_link_lifetime_follows_the_setting(client, kari, mailoutbox, settings):
    settings.CONTACTS_SELF_SERVICE_LINK_MINUTES = 5
    ask_for_link(client, "kari@example.no")
    run_link_jobs()

    link = AccessLink.objects.get()
    assert link.expires_at - link.created_at == dt.timedelta(minutes=5)
    assert "innen 5 minutter" in mailoutbox[0].body


def test_an_unknown_address_gets_the_same_page_byte_for_byte_and_nothing_is_sent(
    client, kari, mailoutbox
):
    known = answer(client, "kari@example.no")
    unknown = answer(client, "nobody@example.no")

    assert unknown == known
    run_link_jobs()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["kari@example.no"]
    assert AccessLink.objects.filter(person_key=person_key("nobody@example.no")).count() == 0


def test_the_sixth_link_for_one_address_within_an_hour_is_not_sent(client, kari, mailoutbox):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        answers = [answer(client, "kari@example.no") for _ in range(6)]
        run_link_jobs()
    assert len(mailoutbox) == 5
    assert len(set(answers)) == 1  # the sixth is answered like the first
    assert AccessLink.objects.count() == 5

    with time_machine.travel(start + dt.timedelta(hours=1, seconds=1), tick=False):
        answer(client, "kari@example.no")
        run_link_jobs()
    assert len(mailoutbox) == 6


def test_the_address_limit_counts_every_client(kari, mailoutbox, client_factory):
    with time_machine.travel(timezone.now(), tick=False):
        for n in range(6):
            ask_for_link(client_factory(f"10.0.0.{n}"), "KARI@example.no ")
        run_link_jobs()

    assert len(mailoutbox) == 5


def test_one_client_is_limited_across_addresses(client, mailoutbox, settings):
    from tests.contacts.factories import make_enquiry

    settings.CONTACTS_SELF_SERVICE_CLIENT_RATE = "3/h"
    for n in range(4):
        make_enquiry(email=f"person{n}@example.no")
    with time_machine.travel(timezone.now(), tick=False):
        answers = {answer(client, f"person{n}@example.no") for n in range(4)}
        run_link_jobs()

    assert len(answers) == 1
    assert sorted(m.to[0] for m in mailoutbox) == [f"person{n}@example.no" for n in range(3)]
    assert AccessLink.objects.count() == 3


@pytest.mark.parametrize(
    "typed",
    ["", "ikke-en-adresse", "kari@", "@example.no", "a" * 250 + "@example.no", "kari@ex ample.no"],
)
def test_a_malformed_address_is_a_norwegian_field_error_and_a_400(client, kari, typed, mailoutbox):
    response = ask_for_link(client, typed)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and "autofocus" in html
    assert re.search(r"Skriv inn (en gyldig e-postadresse|e-postadressen du brukte)", html)
    assert link_jobs() == [] and mailoutbox == []


def test_a_database_down_is_a_503_without_a_trace_of_the_address(client, monkeypatch, caplog):
    from django.db import OperationalError

    def down(email):
        raise OperationalError("connection to kari@example.no failed")

    monkeypatch.setattr(links, "request_link", down)
    response = ask_for_link(client, "kari@example.no")

    assert response.status_code == 503
    assert "kari" not in caplog.text


def test_a_cache_down_sends_nothing_and_answers_the_same(client, kari, mailoutbox, monkeypatch):
    from contacts.rights.selfservice import views

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(views.limits, "over_rate", down)
    status, location, _ = answer(client, "kari@example.no")

    assert (status, location) == (303, BASE + "sendt/")
    assert link_jobs() == []


def test_nothing_about_the_address_is_logged(client, kari, mailoutbox, caplog):
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(6):
            answer(client, "kari@example.no")
        answer(client, "nobody@example.no")
        run_link_jobs()

    text = caplog.text.lower() + json.dumps([j.args for j in link_jobs()])
    assert "kari" not in text and "nobody" not in text
    assert "/lenke/" not in text


def test_an_enquiry_erased_before_the_job_runs_gets_no_e_mail(client, kari, mailoutbox):
    from contacts.retention.erasure import erase_enquiries

    ask_for_link(client, "kari@example.no")
    erase_enquiries(ids=[kari[0].pk], reason="staff")

    run_link_jobs()

    assert mailoutbox == [] and AccessLink.objects.count() == 0


def test_a_mail_server_that_refuses_leaves_no_link_and_the_job_fails_for_a_retry(
    client, kari, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.conftest.FailingBackend"
    ask_for_link(client, "kari@example.no")

    [raised] = run_link_jobs()

    assert isinstance(raised, links.LinkNotSent) and str(raised) == "SMTPConnectError"
    assert raised.__cause__ is None and raised.__suppress_context__
    assert AccessLink.objects.count() == 0
    from django.contrib.sessions.models import Session

    assert Session.objects.count() == 0
    assert "kari" not in caplog.text


def test_without_a_site_url_no_link_is_sent(client, kari, mailoutbox, settings, caplog):
    settings.SITE_URL = ""
    ask_for_link(client, "kari@example.no")

    assert run_link_jobs() == []

    assert mailoutbox == [] and AccessLink.objects.count() == 0
    assert "PILARO_SITE_URL" in caplog.text
