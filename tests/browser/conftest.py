"""A real browser (Debian's Chromium, driven by Playwright) against gunicorn on loopback.

The browser is Chrome's headless shell, Debian's `chromium-headless-shell`: the same Blink
and V8 as the full browser without its window layers, and what Playwright itself runs for
headless tests. It costs half the CPU of `chromium --headless` here (the browser tier: 70
against 139 s of the browser's CPU, 91 against 131 s on two processes). Chromium cannot be
downloaded here: `make test` installs the package when it is missing, and these tests fail
with one clear line when it is not there. CHROMIUM names another binary (the full
`/usr/bin/chromium`, say) to run them on that instead.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest

from tests import databases
from tests.servers import AppServer, site_env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium-headless-shell")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run 'make browser'.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the tests' own
    # database calls are synchronous all the same (Playwright's documented workaround).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_servers(django_db_setup, django_db_blocker):
    """gunicorn servers on this test process's database, each started once and renewed for
    every test that asks for it again (AppServer.renew): one start per test process and
    environment, where a start for every test cost the browser tier a third of its time.
    `get(name, start)` gives the server called `name`, started by `start()` if needed."""
    started: dict[str, AppServer] = {}

    def get(name: str, start) -> AppServer:
        if name in started:
            started[name].renew()
        else:
            started[name] = start()
        return started[name]

    yield get
    for server in started.values():
        server.stop()


def database_url() -> str:
    return databases.url()


@pytest.fixture
def site(transactional_db, app_servers):
    """gunicorn with production settings, on the test database (committed data only)."""
    env = site_env(
        DATABASE_URL=database_url(),
        PILARO_RATE_LIMIT="1000/m",
        PILARO_NOTIFY_EMAILS="staff@example.invalid",
    )
    return app_servers("site", lambda: AppServer(env, workers=1, threads=4)).base


@pytest.fixture
def saksbehandler_group(transactional_db):
    """The group the data migration makes (put back after each flush: tests/conftest.py)."""
    from django.contrib.auth.models import Group

    return Group.objects.get(name="Saksbehandler")


STAFF_PASSWORD = "et-langt-passord-1"


@functools.cache
def staff_password_hash() -> str:
    """STAFF_PASSWORD as production stores it (PBKDF2 at Django's full count, which the
    production-settings server checks), hashed once per test process: a hash costs 0.3 s of
    CPU, and test users sharing one salt is harmless."""
    from django.contrib.auth.hashers import make_password

    return make_password(STAFF_PASSWORD, hasher="pbkdf2_sha256")


@pytest.fixture
def saksbehandler(saksbehandler_group):
    """A "Saksbehandler" whose password the production-settings server can check, with an
    authenticator app as second factor."""
    from django.contrib.auth.models import User

    from staff.models import AuthenticatorApp

    user = User.objects.create(
        username="saksbehandler",
        password=staff_password_hash(),
        is_staff=True,
    )
    user.groups.add(saksbehandler_group)
    AuthenticatorApp.objects.create(user=user, name="Autentiseringsapp")
    return user


def log_in_with_password(page, site: str, user) -> None:
    """The admin's login form: the first step, which leads to the second factor."""
    page.goto(site + "/intern/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def recovery_code(user) -> str:
    """A new one-time recovery code for `user` (an app's code would be refused when the
    same user logs in twice within its 30 seconds)."""
    from staff import crypto
    from staff.models import RecoveryCodes

    device, _ = RecoveryCodes.objects.get_or_create(user=user, name="Gjenopprettingskoder")
    code = crypto.new_recovery_code()
    device.codes.create(hashed=crypto.hash_code(code))
    return code


def log_in(page, site: str, user) -> None:
    """A whole staff login: the password, then the second factor."""
    log_in_with_password(page, site, user)
    page.get_by_label("Kode").fill(recovery_code(user))
    page.get_by_role("button", name="Bekreft").click()
    page.get_by_role("link", name="Innlogging og sikkerhet").wait_for()


class ConsoleWatch:
    """Collects what the browser reports as errors: CSP violations, failed loads, 404s."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", self._failed)
        page.on(
            "response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}")
        )

    def _failed(self, request) -> None:
        # A load cut short because the page moved on (the favicon of a page the test left
        # at once) is the browser's doing, not the site's: a missing file is a 404 above,
        # a refused one (CSP, connection) fails with another reason.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} ({request.failure})")


@pytest.fixture
def new_page(chromium):
    contexts = []

    def make(viewport: dict | None = None, javascript: bool = True):
        context = chromium.new_context(
            viewport=viewport or DESKTOP, java_script_enabled=javascript, locale="nb-NO"
        )
        contexts.append(context)
        page = context.new_page()
        page.console = ConsoleWatch(page)
        return page

    yield make
    for context in contexts:
        context.close()
