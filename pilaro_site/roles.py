"""What the runtime database role may do: only what the site and the worker need.

With two roles (DATABASE_OWNER_URL set; README, "Database roles"), the owner's runs
`migrate`, and after every migrate (post_migrate) grants the runtime role, named by
DATABASE_URL, these rights and no more:

- read, add, change and delete rows of the site's tables;
- on the evidence tables, only what the site does with them: read and add (the audit log,
  the rights log, the erasure records, the suppression list), and change a subject
  request (completed, extended) or a consent (withdrawn, confirmed, lapsed);
- use the sequences.

Owning nothing, it cannot TRUNCATE, DROP or ALTER any table, nor drop the triggers that
guard the evidence (contacts migration 0027). tests/site/test_database_roles.py proves it,
and that erasure, the purge and the rights log's replay still work as that role.
"""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Rights on the evidence tables; every other table gets ALL_ROWS.
EVIDENCE = {
    "contacts_auditentry": ("SELECT", "INSERT"),
    "contacts_rightsevent": ("SELECT", "INSERT"),
    "contacts_erasurerecord": ("SELECT", "INSERT"),
    "contacts_marketingsuppression": ("SELECT", "INSERT"),
    "contacts_subjectrequest": ("SELECT", "INSERT", "UPDATE"),
    "contacts_consent": ("SELECT", "INSERT", "UPDATE"),
}
ALL_ROWS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def grant_runtime_role(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Give `role` the runtime rights on the connection's schema; the statements run.
    Nothing when `role` is the connection's own (one role for everything)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_schema()")
        user, database, schema = cursor.fetchone()
        if role == user:
            return []
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        tables = sorted(row[0] for row in cursor.fetchall())
        who, where = quote(role), quote(schema)
        statements = [
            f"GRANT CONNECT ON DATABASE {quote(database)} TO {who}",
            f"GRANT USAGE ON SCHEMA {where} TO {who}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
        ]
        for table in tables:
            rights = ", ".join(EVIDENCE.get(table, ALL_ROWS))
            statements.append(f"GRANT {rights} ON {where}.{quote(table)} TO {who}")
        for statement in statements:
            cursor.execute(statement)
    return statements


def grant_after_migrate(sender: AppConfig, using: str, **kwargs) -> None:
    """post_migrate: when `migrate` runs as the owner, (re)grant the runtime role, so that
    the tables a migration added are the runtime role's to use at once. The signal comes
    once per app after the whole plan has run; the grant is made at the last app's."""
    last = [config for config in apps.get_app_configs() if config.models_module][-1]
    connection = connections[using]
    if sender is last and settings.RUNTIME_DATABASE_ROLE and connection.vendor == "postgresql":
        grant_runtime_role(connection, settings.RUNTIME_DATABASE_ROLE)
