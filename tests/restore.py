"""A real backup and restore of the test database, as an operator runs them: pg_dump, then
pg_restore into a fresh database that Django then uses as the site would."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
from django.db import connection


class Cluster:
    """pg_dump and pg_restore against the test database's server, as an operator runs them."""

    def __init__(self) -> None:
        self.settings = connection.settings_dict
        self.test_db = self.settings["NAME"]
        self.scratch = f"{self.test_db}_restore"  # one per test database: never shared

    def _tool_args(self) -> list[str]:
        args = ["-h", self.settings["HOST"] or "localhost", "-U", self.settings["USER"]]
        return [*args, "-p", str(self.settings["PORT"] or 5432)]

    def _env(self) -> dict[str, str]:
        return {**os.environ, "PGPASSWORD": self.settings["PASSWORD"] or ""}

    def dump(self, path: Path) -> None:
        command = ["pg_dump", *self._tool_args(), "-Fc", "-f", str(path), self.test_db]
        subprocess.run(command, check=True, env=self._env(), timeout=120)

    def _admin(self, sql: str) -> None:
        with psycopg.connect(
            host=self.settings["HOST"] or None,
            port=self.settings["PORT"] or None,
            user=self.settings["USER"],
            password=self.settings["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(sql)

    def restore(self, path: Path) -> None:
        """Into a fresh scratch database, which Django then uses as the site would."""
        self.drop_scratch()
        self._admin(f'CREATE DATABASE "{self.scratch}"')
        restore = ["pg_restore", *self._tool_args(), "--exit-on-error", "-d", self.scratch]
        subprocess.run([*restore, str(path)], check=True, env=self._env(), timeout=120)
        connection.close()
        self.settings["NAME"] = self.scratch

    def back_to_the_test_database(self) -> None:
        connection.close()
        self.settings["NAME"] = self.test_db
        self.drop_scratch()

    def drop_scratch(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.scratch}" WITH (FORCE)')


def as_in_an_older_backup(*statements: str) -> None:
    """Run `statements` past the triggers that guard evidence (contacts 0003, 0023, 0027):
    what a restore of an older backup does to the rows, without going through them. The
    suite runs as a superuser, which alone may turn them off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.execute("SET session_replication_role = origin")
