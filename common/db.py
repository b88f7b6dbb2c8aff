"""Database helpers that do not belong to one app."""

from __future__ import annotations

from django.db import models


class PostgreSQLIndex(models.Index):
    """An index that only PostgreSQL can build (SQLite refuses `NULLS LAST` in an index).

    On another database, the SQLite file of `make run`, it is a comment in the schema, not an
    index: every query runs the same, only without its speed. Being the index's own class, not
    a migration's, it also holds when SQLite rebuilds the table for a later migration."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return f"-- index {self.name}: PostgreSQL only"

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().remove_sql(model, schema_editor, **kwargs)
        return f"-- index {self.name}: PostgreSQL only"
