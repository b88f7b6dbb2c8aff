"""The newcomer's path: the README's set-up command on a fresh checkout, with `DATABASE_URL`
unset (so on the SQLite file), then `make demo` beside it, step by step as a person tries it.

The same path on PostgreSQL is tests/site/test_make_targets.py.
"""

from __future__ import annotations

import re
import shlex
import shutil
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.servers import run
from pilaro_site import settings as site_settings
from tests import readme
from tests.servers import ROOT, Browser, Server, clean_env, free_port

PAGES = ["/", "/personvern/", "/kontakt/", "/personvern/mine-opplysninger/"]


def fresh_checkout(destination: Path) -> Path:
    """What a clone of this tree holds (tracked and new files, nothing git ignores: no
    db.sqlite3, no compiled catalogs, no collected static files), copied with their times.

    The virtualenv and node_modules are linked from this tree rather than installed again:
    the install itself is what CI's clean clone runs first (.ci/run), and it takes minutes."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # not a tracked file deleted in this tree
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    for installed in (".venv", "node_modules"):
        (destination / installed).symlink_to(ROOT / installed)
    return destination


def count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as conn:
        return conn.execute(sql).fetchone()[0]


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def log_in(browser: Browser, username: str, password: str) -> tuple[int, str, int]:
    """The admin's password step: its status, where the admin sends the browser next, and
    that page's status."""
    _, page = browser.request("GET", "/intern/login/")
    [token] = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password}
    status, _ = browser.request("POST", "/intern/login/?next=/intern/", data)
    if status != 302:
        return status, "", 0
    browser.request("GET", browser.headers["Location"])
    next_step = browser.headers.get("Location", "")
    return status, next_step, browser.request("GET", next_step)[0] if next_step else 0


@pytest.fixture
def checkout(tmp_path):
    return fresh_checkout(tmp_path / "pilaro")


def test_make_run_without_database_url_serves_the_site_on_sqlite_and_make_demo_fills_it(
    checkout,
):
    run_site, _ = readme.setup_commands()  # `make run`, as the README writes it
    addr = f"127.0.0.1:{free_port()}"
    # No DATABASE_URL, no settings: only the port, since 8000 may be taken on this machine.
    env = clean_env(RUN_ADDR=addr)
    database = checkout / "db.sqlite3"
    with Server(
        shlex.split(run_site), env, f"http://{addr}/healthz/", seconds=180, cwd=checkout
    ) as server:
        statuses = {page: status_of(f"http://{addr}{page}") for page in PAGES}
        browser = Browser(f"http://{addr}")
        form, shown_at = browser.form(), time.monotonic()

        # "run `make demo` in another terminal while `make run` runs"
        demo_output = run(["make", "demo"], env, timeout=300, cwd=checkout)
        demo_enquiries = count(database, "SELECT count(*) FROM contacts_enquiry")

        # A person takes longer than PILARO_MIN_FILL_SECONDS to fill in the form: the
        # site's default, which the server has (the suite's settings set 0).
        time.sleep(
            max(0.0, shown_at + site_settings.CONTACTS_MIN_FILL_SECONDS + 0.5 - time.monotonic())
        )
        posted, _ = browser.request("POST", "/kontakt/", form)
        thanked_at = browser.headers.get("Location", "")
        deadline = time.monotonic() + 30
        while "To: ansatte@localhost" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.2)
        with sqlite3.connect(database) as connection:
            stored = connection.execute(
                "SELECT status FROM contacts_enquiry WHERE email = 'kari@example.no'"
            ).fetchall()

        refused, _, _ = log_in(Browser(f"http://{addr}"), "saksbehandler", "feil-passord")
        logged_in, next_step, next_status = log_in(
            Browser(f"http://{addr}"), "saksbehandler", "demo-saksbehandler"
        )
        output = server.output()

    assert "DATABASE_URL is not set: using the SQLite file db.sqlite3" in output
    assert statuses == dict.fromkeys(PAGES, 200)
    assert f"Log in at http://{addr}/intern/ as saksbehandler / demo-saksbehandler" in demo_output
    assert demo_enquiries >= 30, "make demo should fill the inbox"
    assert (posted, thanked_at) == (303, "/kontakt/takk/")
    assert stored == [("ny",)], output[-3000:]
    assert "To: ansatte@localhost" in output, output[-3000:]
    assert f"http://{addr}/intern/contacts/enquiry/" in output
    assert "Traceback" not in output
    # The password is right: the next step is the second factor, not the login page again.
    assert refused == 200
    assert logged_in == 302
    assert next_step.startswith("/intern/sikkerhet/"), next_step
    assert next_status == 200
