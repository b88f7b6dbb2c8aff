"""Evidence nobody can wipe: the tables that show what the site did with personal data
refuse TRUNCATE, and the erasure records, like the audit log and the rights log, refuse
UPDATE and DELETE; the subject-request log and the suppression list refuse DELETE.

Row triggers do not fire on TRUNCATE, which empties a table at once; a statement trigger
does. What the runtime database role may do at all (no TRUNCATE, DROP or ALTER: it owns
nothing) is granted by `manage.py grant_runtime_role` (contacts/evidence.py); these
triggers also hold for the role that owns the tables, against a mistake.

PostgreSQL only: the SQLite file of `make run` goes without (no statement triggers).
"""

from django.conf import settings
from django.db import migrations, models

# Every evidence table, and the row changes each one refuses besides TRUNCATE. The consent
# rows keep their own trigger (0009, 0026); a subject request is completed by an UPDATE.
GUARDED = {
    "contacts_auditentry": "",  # 0003: UPDATE OR DELETE
    "contacts_rightsevent": "",  # 0023: UPDATE OR DELETE
    "contacts_consent": "",  # 0009/0026: deleted only with its enquiry
    "contacts_erasurerecord": "UPDATE OR DELETE",
    "contacts_subjectrequest": "DELETE",
    "contacts_marketingsuppression": "DELETE",
}

FUNCTION = """
CREATE FUNCTION pilaro_evidence_refused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is evidence: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
"""


def _create(table: str, rows: str) -> str:
    sql = (
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION pilaro_evidence_refused();"
    )
    if rows:
        sql += (
            f"CREATE TRIGGER {table}_kept BEFORE {rows} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pilaro_evidence_refused();"
        )
    return sql


def create_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # its '%' are PL/pgSQL's, not parameters
    for table, rows in GUARDED.items():
        schema_editor.execute(_create(table, rows))


def drop_guards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in GUARDED:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_kept ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS pilaro_evidence_refused();")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0026_marketing_confirmation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Who erased is part of the record: a staff user who erased something is
        # deactivated, never deleted (as with the audit log's actor).
        migrations.AlterField(
            model_name="erasurerecord",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                help_text="hvilken ansatt som slettet den, når en ansatt gjorde det",
                null=True,
                on_delete=models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="utført av",
            ),
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]
