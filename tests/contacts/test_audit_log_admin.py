"""The audit log in the admin: a saksbehandler reads the lines about their own actions,
read-only; a superuser, or whoever could read the log before, reads all of it."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User

from contacts.models import AuditEntry
from tests.conftest import log_in_verified
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
LOG = "/intern/contacts/auditentry/"


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(rf'href="{LOG}(\d+)/change/', response.content.decode())}


@pytest.fixture
def carl() -> User:
    """Another saksbehandler."""
    user = User.objects.create_user("carl", is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    return user


def entry(actor: User | None, action: str = "export") -> AuditEntry:
    return AuditEntry.objects.create(actor=actor, action=action, enquiry_ids=[1], count=1)


def test_a_saksbehandler_reads_the_lines_about_their_own_actions_only(client, alice, carl):
    own = entry(alice)
    entry(carl)
    entry(None, "purge_digest")  # the worker's

    response = client.get(LOG)

    assert listed(response) == {own.pk}
    assert "Revisjonslogg: det du selv har gjort" in response.content.decode()
    assert client.get(f"{LOG}{own.pk}/change/").status_code == 200


def test_their_own_search_for_a_person_is_there_to_read(client, alice):
    make_enquiry(email="kari@example.no")

    client.post("/intern/contacts/enquiry/personvern/", {"email": "kari@example.no"})

    page = client.get(LOG).content.decode()
    assert "Søk etter en persons opplysninger" in page
    assert "kari@example.no" not in page


def test_someone_elses_line_does_not_open(client, alice, carl):
    theirs = entry(carl)

    response = client.get(f"{LOG}{theirs.pk}/change/", follow=True)

    assert response.redirect_chain[0][0] == "/intern/"
    assert "carl" not in response.content.decode()


def test_the_log_stays_read_only(client, alice):
    own = entry(alice)

    assert client.get(f"{LOG}add/").status_code == 403
    assert client.post(f"{LOG}{own.pk}/change/", {"count": "7"}).status_code == 403
    assert client.post(f"{LOG}{own.pk}/delete/", {"post": "yes"}).status_code == 403
    own.refresh_from_db()
    assert own.count == 1


def test_the_subject_page_links_to_the_log_it_names(client, alice):
    html = client.get("/intern/contacts/enquiry/personvern/").content.decode()

    assert f'føres i <a href="{LOG}">revisjonsloggen</a>.' in html


def test_a_superuser_reads_every_line(client, alice, carl):
    lines = {entry(alice).pk, entry(carl).pk, entry(None, "purge_digest").pk}
    root = User.objects.create_superuser("root", password="pw")
    log_in_verified(client, root)

    assert listed(client.get(LOG)) == lines


def test_whoever_could_read_the_log_before_still_reads_all_of_it(client, alice, carl, monkeypatch):
    """The data migration gives the new "all lines" right to the users and groups that
    had the view right before the Saksbehandler group got it."""
    contacts = apps.get_app_config("contacts")
    # The migration marks the app's models as loaded and back (for Django's
    # create_permissions); here it runs on the live registry, which must stay as it was.
    monkeypatch.setattr(contacts, "models_module", contacts.models_module)
    view = Permission.objects.get(codename="view_auditentry")
    view_all = Permission.objects.get(codename="view_all_auditentries")
    dora = User.objects.create_user("dora", is_staff=True)
    dora.user_permissions.add(view)
    auditors = Group.objects.create(name="Revisorer")
    auditors.permissions.add(view)
    erik = User.objects.create_user("erik", is_staff=True)
    erik.groups.add(auditors)
    migration = importlib.import_module("contacts.migrations.0018_audit_log_own_entries")
    saksbehandler = Group.objects.get(name="Saksbehandler")
    saksbehandler.permissions.remove(view)

    migration.grant(apps, None)

    lines = {entry(alice).pk, entry(carl).pk}
    for user in (dora, erik):
        log_in_verified(client, User.objects.get(pk=user.pk))
        assert listed(client.get(LOG)) == lines, user.username
    assert view in saksbehandler.permissions.all()
    assert view_all not in saksbehandler.permissions.all()
