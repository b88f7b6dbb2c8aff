"""Django's PostgreSQL backend, its kept connections checked without a query
(common/connections.py: a round trip saved on every request that touches the database)."""

from __future__ import annotations

from django.db.backends.postgresql import base

from common.connections import ended


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        return self.connection is not None and not ended(self.connection)
