"""Consent rows are evidence: the database keeps them as written.

- The foreign key to the enquiry is re-created with ON DELETE CASCADE, so that a consent
  goes with its enquiry, deleted by the database, never by Django on its own.
- A trigger refuses any UPDATE of a consent except recording its first withdrawal (only
  `withdrawn_at` and `withdrawal_channel` change, from not withdrawn to withdrawn), and
  any DELETE of a consent whose enquiry still exists. The cascade runs after the
  enquiry's row is gone, so it passes.

PostgreSQL only, like the audit log's trigger (0003): the SQLite file of `make run` goes
without, and there Django cascades (contacts.models.consent.DATABASE_CASCADE).
"""

from django.db import migrations, models

import contacts.models.consent

# Django names its foreign keys with a hash; find ours by what it links.
CASCADE_FK = """
DO $$
DECLARE
    fk text;
BEGIN
    SELECT conname INTO STRICT fk FROM pg_constraint
    WHERE conrelid = 'contacts_consent'::regclass AND contype = 'f'
        AND confrelid = 'contacts_enquiry'::regclass;
    EXECUTE format('ALTER TABLE contacts_consent DROP CONSTRAINT %I', fk);
END
$$;
ALTER TABLE contacts_consent ADD CONSTRAINT contacts_consent_enquiry_cascade
    FOREIGN KEY (enquiry_id) REFERENCES contacts_enquiry (id)
    ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
"""
PLAIN_FK = """
ALTER TABLE contacts_consent DROP CONSTRAINT contacts_consent_enquiry_cascade;
ALTER TABLE contacts_consent ADD CONSTRAINT contacts_consent_enquiry_id_fk_contacts_enquiry_id
    FOREIGN KEY (enquiry_id) REFERENCES contacts_enquiry (id) DEFERRABLE INITIALLY DEFERRED;
"""
CREATE_TRIGGER = """
CREATE FUNCTION contacts_consent_is_evidence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1 FROM contacts_enquiry WHERE id = OLD.enquiry_id) THEN
            RAISE EXCEPTION 'consent % is evidence: it is deleted only with its enquiry',
                OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL
        AND to_jsonb(NEW) - 'withdrawn_at' - 'withdrawal_channel'
            = to_jsonb(OLD) - 'withdrawn_at' - 'withdrawal_channel' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent % is evidence: only its first withdrawal can be recorded',
        OLD.id USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER contacts_consent_is_evidence
    BEFORE UPDATE OR DELETE ON contacts_consent
    FOR EACH ROW EXECUTE FUNCTION contacts_consent_is_evidence();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS contacts_consent_is_evidence ON contacts_consent;
DROP FUNCTION IF EXISTS contacts_consent_is_evidence();
"""


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CASCADE_FK, params=None)
        schema_editor.execute(CREATE_TRIGGER, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)
        schema_editor.execute(PLAIN_FK, params=None)


class Migration(migrations.Migration):
    dependencies = [("contacts", "0008_notification_claim_by_queue")]

    operations = [
        migrations.AlterField(
            model_name="consent",
            name="enquiry",
            field=models.ForeignKey(
                on_delete=contacts.models.consent.DATABASE_CASCADE,
                related_name="consents",
                to="contacts.enquiry",
            ),
        ),
        migrations.RunPython(protect, unprotect),
    ]
