"""The cookies the site sets are the ones the data map declares, for that audience, with that
lifetime: a crawl of every public page and the contact form, the self-service flow, and a
staff login from the password to a saved change. The notice's cookie table is rendered from
the same declarations (pilaro_site/datamap/facts.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from privacy.datamap import get_data_map
from tests.contacts.factories import make_enquiry
from tests.selfservice.conftest import BASE, open_session
from tests.staff.conftest import PASSWORD, code, log_in_with_password, send_code

pytestmark = pytest.mark.django_db
LINK = re.compile(r'href="(/[^"#?]*)')
UNIT_SECONDS = {"weeks": 7 * 86400, "days": 86400, "hours": 3600, "minutes": 60}


class Recorder:
    """A test client (to the suite's helpers too) that notes every cookie an answer sets,
    by name and Max-Age (-1: for the browser's session)."""

    def __init__(self) -> None:
        self.client = Client()
        self.set: dict[str, set[int]] = {}

    def _send(self, method: str, path: str, data, extra: dict):
        extra.pop("secure", None)
        response = getattr(self.client, method)(path, data, secure=True, **extra)
        for name, morsel in response.cookies.items():
            age = morsel["max-age"]
            if age != 0:  # a cookie deleted (logging out) is not a cookie set
                self.set.setdefault(name, set()).add(int(age) if age != "" else -1)
        return response

    def get(self, path: str, data=None, **extra):
        return self._send("get", path, data, extra)

    def post(self, path: str, data=None, **extra):
        return self._send("post", path, data, extra)


def declared(audience: str) -> dict[str, int]:
    """The cookies the map declares for `audience`, with their lifetime in seconds."""
    return {
        c.name: c.lifetime.value() * UNIT_SECONDS[c.lifetime.unit]
        for c in get_data_map().cookies
        if c.audience == audience
    }


def undeclared(recorder: Recorder, audience: str) -> dict[str, set[int]]:
    allowed = declared(audience)
    return {
        name: ages
        for name, ages in recorder.set.items()
        if name not in allowed or ages != {allowed[name]}
    }


def crawl_public_pages(browse: Recorder) -> set[str]:
    seen, waiting = set(), ["/"]
    while waiting:
        path = waiting.pop()
        if path in seen or path.startswith(("/static/", "/intern/")):
            continue
        seen.add(path)
        response = browse.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            waiting += LINK.findall(response.content.decode())
    return seen


def test_a_visitor_reading_and_sending_the_form_gets_only_declared_cookies(fresh_form):
    browse = Recorder()
    pages = crawl_public_pages(browse)
    page = browse.get("/kontakt/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    posted = browse.post("/kontakt/", {**fresh_form(), "token": token})

    assert {"/", "/personvern/", "/kontakt/", "/personvern/versjoner/", BASE} <= pages
    assert posted.status_code == 303
    assert "csrftoken" in browse.set
    assert undeclared(browse, "skjema") == {}


def test_a_visitor_in_dine_opplysninger_gets_only_declared_cookies(mailoutbox):
    make_enquiry(email="kari@example.no")
    browse = Recorder()
    browse.get(BASE)
    open_session(browse, mailoutbox, "kari@example.no")
    for page in ("oversikt/", "kopi/", "trekk-tilbake/", "slett/"):
        assert browse.get(BASE + page).status_code == 200, page
    browse.post(BASE + "avslutt/")

    assert "sessionid" in browse.set
    assert undeclared(browse, "selvbetjening") == {}


@pytest.fixture
def staff_app():
    """A saksbehandler with a password and an authenticator app."""
    from django.contrib.auth.models import Group, User

    from staff.models import AuthenticatorApp

    user = User.objects.create_user("kari", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    return AuthenticatorApp.objects.create(user=user, name="Autentiseringsapp")


def test_a_staff_login_gets_only_declared_cookies(staff_app):
    app = staff_app
    enquiry = make_enquiry()
    browse = Recorder()
    browse.get("/intern/login/")
    log_in_with_password(browse, app.user)
    send_code(browse, code(app))
    for page in ("/intern/", "/intern/contacts/enquiry/", "/intern/sikkerhet/"):
        assert browse.get(page).status_code == 200, page
    # An action, whose message ("1 henvendelse(r) tildelt deg") waits for the next page.
    action = {"action": "assign_to_me", "_selected_action": [enquiry.pk]}
    assert browse.post("/intern/contacts/enquiry/", action).status_code == 302
    assert "tildelt deg" in browse.get("/intern/contacts/enquiry/").content.decode()

    assert "sessionid" in browse.set
    assert undeclared(browse, "ansatte") == {}
