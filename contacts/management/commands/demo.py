"""Make a development database look like a working inbox, for a newcomer's first look.

Creates a "Saksbehandler" login and a few dozen made-up enquiries (Norwegian names,
example.no addresses) in every status. Refused unless DJANGO_DEBUG is on: it must never
put invented people into a production database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from contacts.inbox import triage
from contacts.intake import quarantine
from contacts.intake.shown import build_submission
from contacts.intake.submission import submit_enquiry
from contacts.models import Enquiry, EnquiryStatus, FormLocation
from contacts.retention.rules import spam_retention_date
from privacy.registry import get_registry
from staff import enrolment, factors

USERNAME = "saksbehandler"
PASSWORD = "demo-saksbehandler"  # development only: the command refuses to run otherwise
FIRST = [
    "Kari",
    "Ola",
    "Ingrid",
    "Lars",
    "Sigrid",
    "Håkon",
    "Åse",
    "Bjørn",
    "Marte",
    "Eirik",
    "Solveig",
    "Jørgen",
]
LAST = [
    "Nordmann",
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Berg",
    "Haugen",
    "Dahl",
    "Lie",
    "Strand",
    "Bakke",
    "Sæther",
]
COMPANIES = [
    "",
    "",
    "Fjordlys AS",
    "Nordtind Bygg AS",
    "Havbris Regnskap",
    "Lysløypa Sport AS",
    "Elvebakken Transport",
]
MESSAGES = [
    "",
    "Vi vurderer å bytte leverandør og vil gjerne høre mer.",
    "Kan dere ringe meg etter klokka ti?",
    "Har dere mulighet for et møte neste uke?",
    "Jeg lurer på priser for et mindre firma.",
]


def site_base() -> str:
    """The address the development server runs on: RUN_ADDR as `make run` and `make demo`
    use it, else PILARO_SITE_URL."""
    addr = os.environ.get("RUN_ADDR", "").strip()
    return f"http://{addr}" if addr else settings.SITE_URL


def login_url() -> str:
    return f"{site_base()}/{settings.ADMIN_PATH}"


class Command(BaseCommand):
    help = "Development only: a demo Saksbehandler login and a few dozen example enquiries."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=36)

    def handle(self, *args, count: int, verbosity: int, **options):
        if not settings.DEBUG:
            raise CommandError("demo is for development only: it runs only with DJANGO_DEBUG on.")
        rng = random.Random(7)  # the same inbox every time  # noqa: S311 - not for security
        with transaction.atomic():
            user, _ = User.objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
            user.is_staff = True
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name="Saksbehandler"))
            Enquiry.objects.filter(form_nonce__startswith="demo-").delete()
            for i in range(count):
                self._enquiry(i, rng, user, now=timezone.now())
            # The first device is set up only through an enrolment link (a new one each
            # run, until the demo user has a second factor).
            link = None if factors.has_second_factor(user) else enrolment.create(user)
        if verbosity:
            self.stdout.write(
                f"{count} example enquiries created. Log in at {login_url()} as "
                f"{USERNAME} / {PASSWORD}"
            )
            if link:
                self.stdout.write(
                    f"Then open this one-time enrolment link to set up a second factor (an "
                    f"authenticator app or a passkey): {site_base()}{link}\n"
                    "To skip the second factor in development, run the server with "
                    "PILARO_STAFF_2FA=optional."
                )

    def _enquiry(self, i: int, rng: random.Random, user: User, *, now: dt.datetime) -> None:
        """One made-up enquiry, stored as the form stores one, then triaged."""
        received = now - dt.timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}@example.no".lower()
        for letter, plain in (("å", "a"), ("ø", "o"), ("æ", "ae")):
            email = email.replace(letter, plain)
        submission = build_submission(
            notice=get_registry().in_force(),
            nonce=f"demo-{i}",
            location=rng.choice(FormLocation.values),
            name=f"{first} {last}",
            company=rng.choice(COMPANIES),
            email=email,
            phone=f"+479{rng.randint(1000000, 9999999)}",
            message=rng.choice(MESSAGES),
        )
        if i % 3 == 0 and "marketing" in submission.consents:  # a third say yes to marketing
            consents = {**submission.consents, "marketing": True}
            submission = dataclasses.replace(submission, consents=consents)
        status = list(EnquiryStatus)[i % len(EnquiryStatus)]
        if status == EnquiryStatus.QUARANTINE:
            # Held as the form holds a post sent too fast, lately: still in quarantine.
            received = now - dt.timedelta(hours=rng.randint(1, 48))
            reason = "Sendt 1 sekund etter at skjemaet ble vist (minst 3)"
            quarantine.hold(submission=submission, reason=reason, received_at=received)
            return
        enquiry = submit_enquiry(submission=submission, received_at=received)
        Enquiry.objects.filter(pk=enquiry.pk).update(
            status=status,
            assignee=user if status != EnquiryStatus.NEW and i % 2 else None,
            # Spam is marked as such when it comes in, and kept only the spam period.
            retain_until=spam_retention_date(enquiry.retain_until, received)
            if status == EnquiryStatus.SPAM
            else enquiry.retain_until,
        )
        if status in (EnquiryStatus.ANSWERED, EnquiryStatus.CLOSED):
            triage.add_note(enquiry=enquiry, author=user, text="Ringte og avtalte et møte.")
