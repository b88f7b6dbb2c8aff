"""Fixtures for "Dine opplysninger": a person with enquiries, the link job run as a worker
would run it, and a client with the person's session open."""

from __future__ import annotations

import re

import pytest
from procrastinate.contrib.django.models import ProcrastinateJob

from contacts.models import Enquiry
from contacts.rights.selfservice import links
from tests.contacts.factories import make_enquiry

BASE = "/personvern/mine-opplysninger/"
LINK_TASK = "contacts.selfservice.send_access_link"
LINK_RE = re.compile(r"https://pilaro\.example(/personvern/mine-opplysninger/lenke/[^/\s]+/)")


def link_jobs() -> list[ProcrastinateJob]:
    return list(ProcrastinateJob.objects.filter(task_name=LINK_TASK).order_by("id"))


def run_link_jobs() -> list[BaseException]:
    """Run each queued link job once, as a worker would; what they raised."""
    raised = []
    for job in ProcrastinateJob.objects.filter(task_name=LINK_TASK, status="todo"):
        try:
            links.send_access_link(**job.args)
        except Exception as exc:
            raised.append(exc)
        ProcrastinateJob.objects.filter(pk=job.pk).update(status="succeeded")
    return raised


def link_path(message) -> str:
    """The path of the one link in a link e-mail."""
    [path] = LINK_RE.findall(message.body)
    return path


def ask_for_link(client, email: str):
    return client.post(BASE, {"email": email}, secure=True)


def open_session(client, mailoutbox, email: str) -> str:
    """Ask for a link, let the job send it, and use it; the link's path."""
    already = len(mailoutbox)
    ask_for_link(client, email)
    assert run_link_jobs() == []
    path = link_path(mailoutbox[already])
    response = client.post(path, secure=True)
    assert response.status_code == 303, response.content[:300]
    assert response["Location"] == BASE + "oversikt/"
    return path


@pytest.fixture
def kari() -> list[Enquiry]:
    """Kari's two enquiries (one with marketing consent, one under her address in capitals),
    and one from Ola."""
    first = make_enquiry(
        name="Kari Nordmann",
        email="kari@example.no",
        company="Nordmann AS",
        message="Ring meg etter ti.",
        marketing=True,
        confirmed=True,
        location="kontakt",
    )
    second = make_enquiry(name="Kari N.", email="KARI@Example.no", phone="+4740000000")
    make_enquiry(name="Ola Nordmann", email="ola@example.no", marketing=True, confirmed=True)
    return [first, second]


@pytest.fixture
def kari_session(client, mailoutbox, kari):
    """A client with Kari's session open."""
    open_session(client, mailoutbox, "kari@example.no")
    mailoutbox.clear()
    return client


@pytest.fixture
def client_factory():
    """Clients from other addresses (the rate limit's client key)."""
    from django.test import Client

    return lambda address: Client(REMOTE_ADDR=address)
