"""Print a user's one-time enrolment link (staff/enrolment.py), for the very first superuser
after createsuperuser; afterwards superusers make links on the user's admin page.

The link is printed on standard output only, never logged: hand it over and let the
terminal's scrollback go.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff import enrolment, factors


class Command(BaseCommand):
    help = "Print a one-time link for a staff user to set up their first second factor."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--base-url",
            default="",
            help="The site's address for the link (default: PILARO_SITE_URL).",
        )

    def handle(self, *args, username: str, base_url: str, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not (user.is_active and user.is_staff):
            raise CommandError(f"{username!r} is not an active staff user.")
        if factors.has_second_factor(user):
            raise CommandError(
                f"{username!r} already has a second factor; reset it in the admin first."
            )
        path = enrolment.create(user)
        base = (base_url or settings.SITE_URL).rstrip("/")
        self.stdout.write(
            f"Enrolment link for {username} (works once, for {enrolment.LINK_HOURS} hours, "
            f"after logging in with the password):\n{base}{path}"
        )
