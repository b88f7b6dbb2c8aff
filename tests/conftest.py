"""Shared fixtures, and the guard that keeps the suite on PostgreSQL."""

from __future__ import annotations

import hashlib
import re
import smtplib
import textwrap
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from hypothesis import settings as hypothesis_settings

from privacy import manifest
from tests.restore import Cluster

# The property-based tests' budget: bounded, so `make test` stays quick and repeatable.
hypothesis_settings.register_profile("pilaro", max_examples=40, deadline=None, derandomize=True)
hypothesis_settings.load_profile("pilaro")

PG_START_HINT = (
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)


@pytest.fixture(autouse=True, scope="session")
def _forms_posted_as_browsers_post_them():
    """Django's test client posts a dict as multipart/form-data; browsers post our forms
    (none has an enctype) url-encoded, and the site refuses multipart bodies
    (pilaro_site/middleware.py). So here a dict is posted as a browser posts it. A test
    that needs a multipart body posts bytes it encoded itself."""
    from unittest import mock
    from urllib.parse import urlencode

    from django.test.client import MULTIPART_CONTENT, Client

    original = Client.post

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, *args, **kwargs):
        if content_type == MULTIPART_CONTENT and (data is None or hasattr(data, "items")):
            data = {} if data is None else data
            pairs = data.lists() if hasattr(data, "lists") else data.items()
            data = urlencode(list(pairs), doseq=True)
            content_type = "application/x-www-form-urlencoded"
        return original(self, path, data, content_type, *args, **kwargs)

    with mock.patch.object(Client, "post", post):
        yield


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """This test process's test database, as a copy of the run's migrated template
    (tests/databases.py), where pytest-django migrated one for every process of a parallel
    run (2.5 s of CPU each, on two cores shared by four). Django's own setup then finds it
    migrated (`keepdb`) and only points the connection at it. Dropped at the end, with
    whatever server a session fixture left connected."""
    from django.db import connections
    from django.test.utils import setup_databases

    from tests import databases

    test_name = connections["default"].creation._get_test_db_name()
    with django_db_blocker.unblock():
        databases.copy_template(test_name)
        setup_databases(
            verbosity=0,
            interactive=False,
            keepdb=True,
            aliases={"default"},
            # Serialized only if a test asks to be rolled back to it, as pytest-django does.
            serialized_aliases={"default"}
            if _serialized_rollback(request.session.items)
            else set(),
        )
    yield
    with django_db_blocker.unblock():
        connections.close_all()
        databases.drop(test_name)


def _serialized_rollback(items: list[pytest.Item]) -> bool:
    markers = (item.get_closest_marker("django_db") for item in items)
    return any(m is not None and m.kwargs.get("serialized_rollback") for m in markers)


# A test that commits ends with a flush, which empties the models' tables: what the data
# migrations put there (the "Saksbehandler" group and its permissions) is gone, and the
# tables that are not models (the job queue's, the database cache's) keep what the test
# left. Django runs such tests last for that reason; in a parallel run a process may take
# one before others. So after each flush those tables are emptied too and the seeded rows
# are put back, as migrate left them. A data migration that seeds a row belongs here.
SEEDING_MIGRATIONS = {
    "0004_saksbehandler_group": "create_group",
    "0011_legal_hold_review_and_restriction": "grant_restriction",
    "0013_subject_request_staff": "grant",
    "0018_audit_log_own_entries": "grant",
}


@pytest.fixture(autouse=True, scope="session")
def _a_flush_leaves_what_migrate_seeded():
    import importlib
    from unittest import mock

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test import TransactionTestCase

    from pilaro_site.cache import TABLE as CACHE_TABLE

    flush = TransactionTestCase._fixture_teardown

    def flush_and_seed(self):
        # The evidence tables refuse TRUNCATE (contacts 0027), and a flush is one. The suite
        # runs as a superuser, which alone may turn the triggers off, for the flush only.
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            flush(self)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
                "WHERE schemaname = current_schema() "
                "AND (tablename LIKE 'procrastinate%%' OR tablename = %s)",
                [CACHE_TABLE],
            )
            [queue_tables] = cursor.fetchone()
            cursor.execute(f"TRUNCATE {queue_tables} RESTART IDENTITY CASCADE")
        ContentType.objects.clear_cache()  # the flush removed the rows it remembers
        for name, function in SEEDING_MIGRATIONS.items():
            module = importlib.import_module(f"contacts.migrations.{name}")
            getattr(module, function)(apps, None)

    with mock.patch.object(TransactionTestCase, "_fixture_teardown", flush_and_seed):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once_per_process():
    """WhiteNoise lists the static files when a handler loads the middleware: once in a
    server's life, but once per test here, since each test's client makes a new handler
    (and listing them was 60 % of a form test's time). So they are listed once per test
    process, as a server lists them; what is served, and how, is unchanged."""
    from unittest import mock

    from whitenoise.base import WhiteNoise

    original = WhiteNoise.add_files
    listed: dict[tuple[str, str | None], dict] = {}

    def add_files(self, root, prefix=None):
        key = (str(root), prefix)
        if key not in listed:
            before = dict(self.files)
            original(self, root, prefix)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    with mock.patch.object(WhiteNoise, "add_files", add_files):
        yield


def pytest_configure(config: pytest.Config) -> None:
    """Stop the run with one clear line unless PostgreSQL answers; never fall back."""
    import psycopg

    from tests import databases

    databases.start_run()

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


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # not a worker: maybe the run itself
        from tests import databases

        databases.drop_template()


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


def declarations(
    version: str, *, enforced_retention: dict[str, int] | None = None, old_style: bool = True
) -> dict:
    """Declarations for a test notice: as 1.x has them (a required consent to the enquiry,
    in a side file) or, with `old_style=False`, as 2.0 has them (information only, and an
    optional marketing consent; for front matter)."""
    enquiries = {
        "id": "henvendelser",
        "purpose": "Svare på henvendelser.",
        "basis": ["6(1)(a)"] if old_style else "6(1)(f)",
        "data": "Navn og e-post.",
        "recipients": "Bare oss.",
        "retention": "Ett år.",
    }
    if not old_style:
        enquiries["legitimate_interest"] = "Å svare dem som ber oss om det."
    if enforced_retention:
        enquiries["enforced_retention"] = enforced_retention
    marketing = {
        "id": "markedsforing",
        "purpose": "Markedsføring på e-post.",
        "basis": "6(1)(a)",
        "data": "E-postadresse.",
        "recipients": "Bare oss.",
        "retention": "Til samtykket trekkes tilbake.",
    }
    consents = [
        {
            "purpose": "marketing",
            "activity": "markedsforing",
            "label": f"Ja, send meg nyheter på e-post (versjon {version}).",
            "required": False,
        }
    ]
    if old_style:
        consents.insert(
            0,
            {
                "purpose": "enquiry",
                "activity": "henvendelser",
                "label": f"Jeg samtykker, slik [personvernerklæringen (versjon {version})]"
                f"(/personvern/versjoner/{version}/) beskriver.",
                "required": True,
            },
        )
    return {
        "processing": [enquiries, marketing],
        "form": {
            "information": f"Vi svarer deg (informasjon i versjon {version}).",
            "informs": ["henvendelser"],
            "consents": consents,
        },
    }


def declarations_covering_the_map(version: str) -> dict:
    """Declarations that leave nothing of the site's data map out: every activity that
    concerns visitors, each enforced period declared with its value and said in words.
    Made from the map, so a version written with them stays publishable as the map grows."""
    from privacy.datamap import amount, get_data_map

    decls = declarations(version, old_style=False)
    by_id = {a["id"]: a for a in decls["processing"]}
    for activity in get_data_map().concerning_visitors():
        item = by_id.setdefault(
            activity.id,
            {
                "id": activity.id,
                "purpose": activity.purpose,
                "basis": f"6(1)({activity.basis})",
                "data": activity.data,
                "recipients": "Bare oss.",
                "retention": "Som tabellen sier.",
            },
        )
        if activity.basis == "f":
            item.setdefault("legitimate_interest", activity.legitimate_interest or "Å drive.")
        if activity.periods:
            item["enforced_retention"] = {p.key: p.value() for p in activity.periods}
            item["retention"] = " ".join(
                f"{amount(p.value(), p.unit)} {p.meaning}." for p in activity.periods
            )
    decls["processing"] = list(by_id.values())
    return decls


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
        side_file: dict | None = None,
    ) -> Path:
        """Write a version; a published one gets a side file of declarations (1.x style)
        unless its front matter declares them."""
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
        files = {path.name: text}
        if side_file is None and status == "published" and "processing:" not in front_matter:
            side_file = declarations(version)
        if side_file is not None:
            side_text = yaml.safe_dump(side_file, allow_unicode=True, sort_keys=False)
            (self.path / f"{version}.declarations.yaml").write_text(side_text)
            files[f"{version}.declarations.yaml"] = side_text
        if record and status == "published":
            manifest.add(
                self.path,
                {name: hashlib.sha256(t.encode()).hexdigest() for name, t in files.items()},
            )
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
    from contacts.intake import edge
    from privacy.models import forget_recorded_versions

    forget_recorded_versions()
    edge.forget()
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


def log_in_verified(client, user) -> None:
    """Log `user` in as a finished staff login does: the password, then the second factor
    (an authenticator app, recorded in the session as django_otp.login records it)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from staff.models import AuthenticatorApp

    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    device = device or AuthenticatorApp.objects.create(user=user, name="Testapp", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def alice(client):
    """A "Saksbehandler" (the triage group the data migration makes), logged in with the
    password and the second factor."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("alice", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Saksbehandler"))
    log_in_verified(client, user)
    return user


@pytest.fixture
def cluster():
    """A real pg_dump and pg_restore of the test database (tests/restore.py); the test
    database is Django's again afterwards."""
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.back_to_the_test_database()
