"""Send staff notifications that could not be sent when their enquiry came in.

Why: an enquiry is stored before its notification is sent, so a dead mail server loses
nothing; this command, run every few minutes from cron, delivers what is waiting. Each
notification is claimed with a conditional UPDATE first, so two runs at once never send
the same one twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from contacts.services.notifications import send_pending_notifications


class Command(BaseCommand):
    help = "Retry staff notifications about new enquiries that have not been sent."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many per run.")

    def handle(self, *args, limit: int, verbosity: int, **options):
        sent, not_sent = send_pending_notifications(limit=max(1, limit))
        if verbosity:
            self.stdout.write(f"{sent} notifications sent, {not_sent} not sent.")
