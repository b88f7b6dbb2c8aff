from django.db import migrations

CREATE = """
CREATE FUNCTION contacts_auditentry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'contacts_auditentry is append-only';
END
$$;
CREATE TRIGGER contacts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON contacts_auditentry
    FOR EACH ROW EXECUTE FUNCTION contacts_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS contacts_auditentry_append_only ON contacts_auditentry;
DROP FUNCTION IF EXISTS contacts_auditentry_append_only();
"""


def create_trigger(apps, schema_editor):
    # PostgreSQL is the database; the SQLite file of `make run` goes without.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_notes_audit_permissions")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
