"""Trigram indexes for the admin search (name, company, e-mail, phone contain the term).

Django's case-insensitive `icontains` compiles to UPPER(col::text) LIKE UPPER(%s); these
GIN indexes on the same expressions let PostgreSQL answer it without reading every row
(docs/performance.md: 270 ms to a few ms at 100,000 enquiries). PostgreSQL only: the
SQLite file of `make run` searches without them.
"""

from django.db import migrations

COLUMNS = ("name", "company", "email", "phone")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS enquiry_{column}_trgm ON contacts_enquiry "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS enquiry_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_saksbehandler_group")]

    operations = [migrations.RunPython(create, drop)]
