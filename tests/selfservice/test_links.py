"""The link and the session it opens: a GET changes
nothing, the POST works once and before the link expires; a used, expired, forged or
other-address link is a Norwegian 4xx and changes nothing; the session sees one address,
lapses, and grants nothing in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from contacts.models import AccessLink, AuditEntry, SubjectRequest
from contacts.retention.keys import person_key
from contacts.rights.selfservice import links
from tests.selfservice.conftest import (
    BASE,
    ask_for_link,
    link_path,
    open_session,
    run_link_jobs,
)

pytestmark = pytest.mark.django_db
OVERVIEW = BASE + "oversikt/"


@pytest.fixture
def sent_link(client, kari, mailoutbox) -> str:
    ask_for_link(client, "kari@example.no")
    run_link_jobs()
    return link_path(mailoutbox[-1])


def state() -> tuple:
    """What a refused link must leave as it was."""
    return (
        list(AccessLink.objects.values_list("pk", "used_at")),
        SubjectRequest.objects.count(),
        AuditEntry.objects.count(),
        Session.objects.count(),
    )


def test_a_get_shows_a_button_and_uses_nothing(client, sent_link):
    before = state()

    for _ in range(3):  # a mail system's link scanner, then the person
        response = client.get(sent_link, secure=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post">' in html and "Vis opplysningene mine" in html
    assert "no-store" in response["Cache-Control"]
    assert state() == before
    assert "sessionid" not in response.cookies
    # The secret is in the address only: no canonical link or og:url repeats it.
    secret = sent_link.rstrip("/").rsplit("/", 1)[1]
    assert secret not in html


def test_the_post_opens_the_session_once(client, sent_link):
    response = client.post(sent_link, secure=True)

    assert response.status_code == 303 and response["Location"] == OVERVIEW
    assert AccessLink.objects.get().used_at is not None
    assert client.get(OVERVIEW, secure=True).status_code == 200
    # The address is no longer kept for the link: only the open session holds it.
    assert Session.objects.count() == 1
    [request] = SubjectRequest.objects.all()
    assert (request.kind, request.channel) == ("innsyn", "selvbetjening")
    assert request.completed_at is not None and request.person_key == person_key("kari@example.no")
    assert AuditEntry.objects.filter(action="subject_search").count() == 1


def test_a_used_link_is_a_410_in_norwegian_and_changes_nothing(client, sent_link):
    client.post(sent_link, secure=True)
    other = Client()
    before = state()

    for response in (other.get(sent_link, secure=True), other.post(sent_link, secure=True)):
        assert response.status_code == 410
        assert "Lenken er brukt eller utløpt" in response.content.decode()
        assert 'lang="nb"' in response.content.decode()
    assert state() == before
    assert other.get(OVERVIEW, secure=True).status_code == 403


def test_an_expired_link_is_a_410_and_changes_nothing(client, sent_link):
    before = state()
    later = timezone.now() + dt.timedelta(minutes=30, seconds=1)

    with time_machine.travel(later):
        get = client.get(sent_link, secure=True)
        post = client.post(sent_link, secure=True)

    assert (get.status_code, post.status_code) == (410, 410)
    assert "Be om en ny lenke" in post.content.decode()
    assert state() == before


def test_a_link_is_valid_until_it_expires(client, sent_link):
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=29, seconds=50)):
        assert client.post(sent_link, secure=True).status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        BASE + "lenke/" + "A" * 43 + "/",  # the right shape, never issued
        BASE + "lenke/kort/",  # not the shape of a link at all
        BASE + "lenke/" + "A" * 43 + "%2F../",
    ],
)
def test_a_forged_link_is_a_404_in_norwegian_and_changes_nothing(client, sent_link, path):
    before = state()

    for response in (client.get(path, secure=True), client.post(path, secure=True)):
        assert response.status_code == 404
        assert 'lang="nb"' in response.content.decode()
    assert state() == before


def test_a_link_whose_row_names_another_address_is_refused_and_changes_nothing(client, sent_link):
    """A link row tampered with, or a secret paired with someone else's address: the kept
    address and the row's keyed hash disagree. Nothing is used, nothing opens."""
    AccessLink.objects.update(person_key=person_key("ola@example.no"))
    before = state()

    response = client.post(sent_link, secure=True)

    assert response.status_code == 404
    assert "Lenken virker ikke" in response.content.decode()
    assert state() == before
    assert client.get(OVERVIEW, secure=True).status_code == 403


def test_a_link_for_another_address_opens_that_address_only(client, kari, mailoutbox):
    """Ola's link, used in a browser where Kari's session is open, shows Ola's enquiry and
    none of Kari's."""
    open_session(client, mailoutbox, "kari@example.no")
    open_session(client, mailoutbox, "ola@example.no")

    html = client.get(OVERVIEW, secure=True).content.decode()

    assert "Ola Nordmann" in html and "Kari" not in html


def test_two_uses_at_once_open_one_session(client, sent_link):
    secret = sent_link.rstrip("/").rsplit("/", 1)[1]

    first = links.use_link(secret)
    second = links.use_link(secret)

    assert first == (links.LinkState.VALID, "kari@example.no")
    assert second == (links.LinkState.SPENT, None)


def test_two_uses_racing_past_the_first_check_still_open_one_session(sent_link, monkeypatch):
    """Both requests read the link and its address before either wrote: the conditional
    UPDATE lets one through."""
    secret = sent_link.rstrip("/").rsplit("/", 1)[1]
    monkeypatch.setattr(links, "link_state", lambda secret, now=None: links.LinkState.VALID)
    monkeypatch.setattr(links, "_kept_address", lambda secret, now: "kari@example.no")

    assert links.use_link(secret)[0] is links.LinkState.VALID
    assert links.use_link(secret) == (links.LinkState.SPENT, None)


def test_the_session_key_is_cycled_when_the_link_is_used(client, sent_link):
    client.get(BASE, secure=True)
    session = client.session
    session["anything"] = 1
    session.save()
    before = session.session_key

    client.post(sent_link, secure=True)

    assert client.session.session_key != before


def test_the_session_lapses_after_the_set_minutes_without_activity(client, sent_link):
    client.post(sent_link, secure=True)
    start = timezone.now()

    with time_machine.travel(start + dt.timedelta(minutes=14)):
        assert client.get(OVERVIEW, secure=True).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=28)):  # 14 after the last visit
        assert client.get(OVERVIEW, secure=True).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=43, seconds=1)):
        response = client.get(OVERVIEW, secure=True)
    assert response.status_code == 403
    assert "Siden er lukket" in response.content.decode()


def test_ending_the_session_forgets_the_address(client, sent_link):
    client.post(sent_link, secure=True)

    response = client.post(BASE + "avslutt/", secure=True)

    assert response["Location"] == BASE + "avsluttet/"
    assert client.get(OVERVIEW, secure=True).status_code == 403
    assert "kari@example.no" not in str([s.get_decoded() for s in Session.objects.all()])


def test_the_session_grants_nothing_in_the_admin(client, sent_link):
    client.post(sent_link, secure=True)

    response = client.get("/intern/", secure=True)
    enquiries = client.get("/intern/contacts/enquiry/", secure=True)

    assert response.status_code == 302 and "/intern/login/" in response["Location"]
    assert enquiries.status_code == 302


def test_a_staff_login_grants_nothing_here(client, kari):
    user = User.objects.create_superuser("boss", password="pw")
    client.force_login(user)

    assert client.get(OVERVIEW, secure=True).status_code == 403


def test_a_staff_member_keeps_their_login_when_they_open_their_own_link(client, kari, mailoutbox):
    user = User.objects.create_user("alice", password="pw", is_staff=True)
    client.force_login(user)

    open_session(client, mailoutbox, "kari@example.no")

    assert client.get(OVERVIEW, secure=True).status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_staff_members_session_here_lapses_while_their_login_stays(client, kari, mailoutbox):
    user = User.objects.create_user("alice", password="pw", is_staff=True)
    client.force_login(user)
    open_session(client, mailoutbox, "kari@example.no")

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15, seconds=1)):
        response = client.get(OVERVIEW, secure=True)

    assert response.status_code == 403
    assert "selfservice" not in client.session
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_session_whose_address_was_tampered_with_is_closed(client, sent_link):
    client.post(sent_link, secure=True)
    session = client.session
    session["selfservice"]["address"] = "ola@example.no"
    session.save()

    assert client.get(OVERVIEW, secure=True).status_code == 403


def test_spent_links_and_expired_kept_addresses_are_forgotten(client, sent_link, mailoutbox):
    ask_for_link(client, "kari@example.no")
    run_link_jobs()  # a second link, never used: its kept address expires with it
    client.post(sent_link, secure=True)

    with time_machine.travel(timezone.now() + dt.timedelta(days=1, hours=1)):
        deleted = links.forget_spent_links()

    assert deleted == 2
    assert AccessLink.objects.count() == 0
    assert Session.objects.count() == 0
