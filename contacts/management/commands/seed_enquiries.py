"""Fill the database with made-up enquiries for benchmarks: never for production.

Why: the admin must stay fast at 100,000 enquiries and the purge must erase a million in
bounded memory; measuring that needs that many rows, made in seconds with one INSERT ...
SELECT generate_series per table. Refused unless DJANGO_DEBUG is on, so a production
database never receives invented people.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from contacts.intake.shown import build_submission
from contacts.models import FormLocation
from contacts.retention.rules import retention_sql
from privacy.models import NoticeVersion
from privacy.registry import get_registry

# Each enquiry as the intake service stores one (contacts/intake/submission.py): received and
# last active at the same time, its retention date by the rule (contacts/retention/rules.py), the
# notice version and information text the form shows, a consent row per consent the form
# asks for with its label text (a third say yes to marketing, the rest answer as the form's
# defaults), and one staff notification (sent, as it would be by now). The callback is due
# a day after receipt (the calendar's "1 working day", simplified: enough for the inbox's
# due-first order to have real due times), and answered or closed enquiries were called.
# tests/contacts/test_seed_enquiries.py compares the two.
ENQUIRIES = """
INSERT INTO contacts_enquiry (name, company, email, phone, message, received_at,
    last_activity_at, notice_version_id, information_text, form_location, status,
    assignee_id, retain_until, legal_hold_reason, legal_hold_review_on, restricted_reason,
    restricted_at, form_nonce, callback_due_at, contacted_at)
SELECT 'Testperson ' || g, CASE WHEN g %% 3 = 0 THEN 'Firma ' || (g %% 500) ELSE '' END,
    'person' || g || '@example.no', '+479' || lpad((g %% 10000000)::text, 7, '0'), '',
    received, received, %(version)s, %(information_text)s, %(location)s,
    (ARRAY['ny', 'under_behandling', 'besvart', 'lukket', 'spam'])[1 + g %% 5], NULL,
    {retain_until}, '', NULL, '', NULL, %(prefix)s || g,
    received + interval '1 day',
    CASE WHEN g %% 5 IN (2, 3) THEN received + interval '3 hours' END
FROM (
    SELECT g, CASE WHEN %(expired)s THEN now() - interval '800 days'
                   ELSE now() - (g %% 700) * interval '1 hour' END AS received
    FROM generate_series(1, %(count)s) AS g
) AS rows
"""
CONSENTS = """
INSERT INTO contacts_consent (enquiry_id, purpose, given, label_text, given_at,
    notice_version_id, withdrawn_at, withdrawal_channel)
SELECT e.id, p.purpose, CASE WHEN p.purpose = 'marketing' THEN e.id %% 3 = 0 ELSE p.given END,
    p.label_text, e.received_at, %(version)s, NULL, ''
FROM contacts_enquiry e
CROSS JOIN unnest(%(purposes)s::text[], %(labels)s::text[], %(given)s::boolean[])
    AS p(purpose, label_text, given)
WHERE e.form_nonce LIKE %(like)s
"""
NOTIFICATIONS = """
INSERT INTO contacts_notification (enquiry_id, state, attempts, last_error, created_at,
    sent_at)
SELECT id, 'sent', 1, '', received_at, received_at
FROM contacts_enquiry WHERE form_nonce LIKE %(like)s
"""


class Command(BaseCommand):
    help = "Benchmarks only (DJANGO_DEBUG on): insert many made-up enquiries quickly."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--expired", action="store_true", help="Past their retention date.")

    def handle(self, *args, count: int, expired: bool, verbosity: int, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_enquiries is for benchmarks: it runs only with DJANGO_DEBUG on."
            )
        if connection.vendor != "postgresql":
            raise CommandError("seed_enquiries needs PostgreSQL.")
        prefix = f"seed-{secrets.token_hex(4)}-"
        notice = get_registry().in_force()
        # What the form shows under the version in force, as a submission carries it.
        typed = dict.fromkeys(("name", "company", "email", "phone", "message"), "")
        shown = build_submission(
            notice=notice, nonce="", location=FormLocation.CONTACT_PAGE, **typed
        )
        purposes = list(shown.labels)
        retain_until, retention_params = retention_sql("received", "received")
        params = {
            "count": count,
            "expired": expired,
            "prefix": prefix,
            "like": prefix + "%",
            "version": NoticeVersion.objects.for_notice(notice).pk,
            "information_text": shown.information_text,
            "location": shown.location,
            "purposes": purposes,
            "labels": [shown.labels[p] for p in purposes],
            "given": [shown.consents[p] for p in purposes],
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                ENQUIRIES.format(retain_until=retain_until), {**params, **retention_params}
            )
            cursor.execute(CONSENTS, params)
            cursor.execute(NOTIFICATIONS, params)
        # What autovacuum would soon do after a bulk load: statistics and visibility map.
        with connection.cursor() as cursor:
            for table in ("contacts_enquiry", "contacts_consent", "contacts_notification"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        if verbosity:
            self.stdout.write(
                f"{count} enquiries inserted ({'expired' if expired else 'current'})."
            )
