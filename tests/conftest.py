"""Shared fixtures, and the guard that keeps the suite on PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import smtplib
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from hypothesis import settings as hypothesis_settings

from privacy import manifest

# The property-based tests' budget: bounded, so `make test` stays quick and repeatable.
hypothesis_settings.register_profile("pilaro", max_examples=40, deadline=None, derandomize=True)
hypothesis_settings.load_profile("pilaro")

PG_START_HINT = (
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)


def pytest_configure(config: pytest.Config) -> None:
    """Stop the run with one clear line unless PostgreSQL answers; never fall back."""
    import psycopg

    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise pytest.UsageError(f"The tests run on PostgreSQL only, not {db['ENGINE']}.")
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.OperationalError:
        raise pytest.UsageError(
            f"PostgreSQL is not reachable at {where}; {PG_START_HINT}"
        ) from None


BODY = """\
Innledning til versjon {version}.

## Hva vi samler inn

Navn og e-post.

| Formål | Rettslig grunnlag | Opplysninger |
| --- | --- | --- |
| Svare deg. | Samtykke. | Navn og e-post. |

## Dine rettigheter

Du kan be om innsyn i versjon {version}.
"""


class NoticeDir:
    """A temporary notice directory that the site reads instead of the shipped one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(
        self,
        version: str,
        effective: str,
        *,
        status: str = "published",
        summary: str = "Endringer.",
        body: str | None = None,
        front_matter: str | None = None,
        record: bool = True,
    ) -> Path:
        if front_matter is None:
            front_matter = textwrap.dedent(
                f"""\
                version: "{version}"
                effective: {effective}
                status: {status}
                summary: "{summary}"
                """
            )
        if body is None:
            body = BODY.format(version=version)
        text = f"---\n{front_matter}---\n\n{body}"
        path = self.path / f"{version}.md"
        path.write_text(text)
        if record and status == "published":
            manifest.add(self.path, {path.name: hashlib.sha256(text.encode()).hexdigest()})
        return path


@pytest.fixture
def notice_dir(tmp_path, settings) -> NoticeDir:
    directory = tmp_path / "notices"
    directory.mkdir()
    settings.PRIVACY_NOTICE_DIR = directory
    return NoticeDir(directory)


# --- The callback form ------------------------------------------------------------------
VALID = {
    "name": "Kari Nordmann",
    "company": "Nordmann AS",
    "email": "kari@example.no",
    "phone": "912 34 567",
    "message": "Ring meg gjerne etter klokka ti.",
    "consent_enquiry": "on",
}


class FailingBackend(EmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


@pytest.fixture(autouse=True)
def _contact_settings(settings):
    from privacy.models import forget_recorded_versions

    forget_recorded_versions()
    settings.CONTACTS_MIN_FILL_SECONDS = 0
    settings.CONTACTS_NOTIFY_EMAILS = ["saksbehandler@example.no"]
    settings.SITE_URL = "https://pilaro.example"
    settings.CONTACTS_RATE_LIMIT = "1000/m"
    cache.clear()
    yield
    cache.clear()


def form_token(client, url: str = "/kontakt/") -> str:
    html = client.get(url, secure=True).content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


@pytest.fixture
def fresh_form(client):
    """POST data for a freshly rendered form, valid unless changed."""

    def make(**changes: str) -> dict[str, str]:
        data = {**VALID, "token": form_token(client)}
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    return make


# --- Named users --------------------------------------------------------------------------


@pytest.fixture
def alice(client):
    """A "Saksbehandler" (the triage group the data migration makes), logged in."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("alice", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    client.force_login(user)
    return user
