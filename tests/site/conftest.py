from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import scratch_database

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "pilaro_site.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3y-for-a-production-like-check-" + "x9Qz" * 10,
    "PILARO_PERSON_HASH_KEY": "person-hash-key-for-a-production-like-check",
    "PILARO_FIELD_KEY": "cHJvZHVjdGlvbi1saWtlLWNoZWNrLWZpZWxkLWtleSE=",
    "DJANGO_ALLOWED_HOSTS": "pilaro.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/pilaro",
    "PILARO_NOTIFY_EMAILS": "saksbehandler@pilaro.example",
    "PILARO_SITE_URL": "https://pilaro.example",
    "PILARO_SECURITY_CONTACT": "mailto:security@pilaro.example",
}


@pytest.fixture
def run_python():
    """Run Python code or a manage.py command in a fresh process with a chosen environment."""

    def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture
def scratch_database_url():
    """An empty database of its own, created for one test and dropped after it.

    The servers started here migrate and write to their database outside any test
    transaction, so they must not share the test database (or touch the developer's).
    """
    with scratch_database(migrated=False) as url:
        yield url


@pytest.fixture
def migrated_database_url():
    """The same, migrated (a copy of the run's template: tests/databases.py)."""
    with scratch_database(migrated=True) as url:
        yield url


@pytest.fixture(scope="module")
def module_migrated_database_url():
    """A migrated database shared by the tests of one module (servers slow to start)."""
    with scratch_database(migrated=True) as url:
        yield url
