"""Shared fixtures, and the guard that keeps the suite on PostgreSQL."""

from __future__ import annotations

import pytest
from django.conf import settings

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
