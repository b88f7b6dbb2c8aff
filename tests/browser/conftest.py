"""A real browser (Debian's Chromium, driven by Playwright) against gunicorn on loopback.

Chromium cannot be downloaded here: `make test` installs Debian's `chromium` package when
it is missing, and these tests fail with one clear line when it is not there.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import AppServer, site_env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
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
            f"Chromium not found at {CHROMIUM}: install it with 'apt-get install chromium'.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def site(transactional_db):
    """gunicorn with production settings, on the test database (committed data only)."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    server = AppServer(
        site_env(
            DATABASE_URL=url,
            PILARO_RATE_LIMIT="1000/m",
            PILARO_NOTIFY_EMAILS="staff@example.invalid",
        ),
        workers=2,
        threads=2,
    )
    yield server.base
    server.stop()


class ConsoleWatch:
    """Collects what the browser reports as errors: CSP violations, failed loads, 404s."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))


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
