"""Send now the staff notifications that are not sent yet.

Why: the job queue sends and retries them by itself (`make worker`); this is for an
operator who wants it done at once, for example after setting PILARO_NOTIFY_EMAILS or
after a long mail outage used up the retries. Each notification is locked while it is
sent, so this and a worker never send one twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from contacts.intake.notifications import send_pending_notifications


class Command(BaseCommand):
    help = "Retry staff notifications about new enquiries that have not been sent."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many per run.")

    def handle(self, *args, limit: int, verbosity: int, **options):
        sent, not_sent = send_pending_notifications(limit=max(1, limit))
        if verbosity:
            self.stdout.write(f"{sent} notifications sent, {not_sent} not sent.")
