"""Enquiries from the callback form, their notes, and the reads that pick enquiries.

Data minimisation: an enquiry holds what the visitor typed, when it came, what they were shown
(notice version, information text, where the form stood), and what staff did with it. No IP
address, no user agent. Erasing an enquiry deletes it with everything that hangs on it and
leaves an ErasureRecord without personal data."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Case, DateTimeField, F, Q, Subquery, When
from django.db.models.functions import Upper
from django.utils import timezone

from common.db import PostgreSQLIndex
from common.emails import normalised_email
from contacts import phone as phone_numbers
from contacts.models.consent import marketing_consent, marketing_of_enquiry
from contacts.retention.rules import retention_date, spam_retention_date
from privacy.models import NoticeVersion


class EnquiryStatus(models.TextChoices):
    NEW = "ny", "Ny"
    IN_PROGRESS = "under_behandling", "Under behandling"
    ANSWERED = "besvart", "Besvart"
    CLOSED = "lukket", "Lukket"
    SPAM = "spam", "Spam"
    # Valid, but sent faster than a person fills the form (a bot, or a browser's autofill):
    # kept apart for staff to let in, with no staff e-mail and a short retention.
    QUARANTINE = "karantene", "Karantene"


OPEN_STATUSES = (EnquiryStatus.NEW, EnquiryStatus.IN_PROGRESS)


def awaiting_call() -> Q:
    """A callback promise still to keep: open, due, not contacted, not restricted."""
    due = Q(callback_due_at__isnull=False, contacted_at__isnull=True)
    return due & Q(status__in=OPEN_STATUSES, restricted_at__isnull=True)


def awaiting_due_at() -> Case:
    """The due time of an enquiry awaiting its call, else NULL: the inbox's first key."""
    return Case(When(awaiting_call(), then=F("callback_due_at")), output_field=DateTimeField())


class FormLocation(models.TextChoices):
    """Where the form stood when it was sent: part of what the visitor was shown."""

    HOME = "forside", "Forsiden"
    CONTACT_PAGE = "kontakt", "Kontaktsiden"


class EnquiryQuerySet(models.QuerySet["Enquiry"]):
    def open(self) -> EnquiryQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def expired(self, now: dt.datetime) -> EnquiryQuerySet:
        """Past their retention date, with no legal hold or restriction (art. 18) on them."""
        return self.filter(retain_until__lte=now, legal_hold_reason="", restricted_at=None)

    def holds_due_for_review(self, today: dt.date) -> EnquiryQuerySet:
        """Under a legal hold whose review date has come (today or earlier)."""
        return self.exclude(legal_hold_reason="").filter(legal_hold_review_on__lte=today)

    def restricted(self) -> EnquiryQuerySet:
        """Processing restricted (GDPR art. 18): stored, and nothing else until lifted."""
        return self.filter(restricted_at__isnull=False)

    def unrestricted(self) -> EnquiryQuerySet:
        return self.filter(restricted_at__isnull=True)

    def with_marketing_consent(self) -> EnquiryQuerySet:
        """Annotate `marketing` (a marketing consent in force) and `marketing_pending`."""
        return self.annotate(
            marketing=marketing_consent(), marketing_pending=marketing_consent(pending=True)
        )

    def with_marketing_consent_evidence(self) -> EnquiryQuerySet:
        """Annotate the marketing consent in force's id, time and notice version."""
        in_force = marketing_of_enquiry()
        return self.annotate(
            marketing_consent_id=Subquery(in_force.values("pk")[:1]),
            marketing_given_at=Subquery(in_force.values("given_at")[:1]),
            marketing_notice_version=Subquery(in_force.values("notice_version__version")[:1]),
        )

    def about_person(self, *, email: str = "", phone: str = "") -> EnquiryQuerySet:
        """A person's enquiries: the same canonical address, or the same phone number."""
        condition = Q(pk__in=[])
        if email.strip():
            condition |= Q(email=normalised_email(email))
        e164 = phone_numbers.for_search(phone) if phone.strip() else None
        if e164:
            condition |= Q(phone=e164)
        return self.filter(condition)

    def index_counts(self, today: dt.date | None = None) -> dict[str, int]:
        """For the admin index: new, open and unassigned, holds due, and in quarantine."""
        today = today or timezone.localdate()
        return {
            "new": self.filter(status=EnquiryStatus.NEW).count(),
            "unassigned": self.open().filter(assignee__isnull=True).count(),
            "holds_due": self.holds_due_for_review(today).count(),
            "quarantine": self.filter(status=EnquiryStatus.QUARANTINE).count(),
        }


class Enquiry(models.Model):
    name = models.CharField("navn", max_length=100)
    company = models.CharField("firma", max_length=100, blank=True)
    email = models.EmailField("e-post", max_length=254)
    phone = models.CharField("telefon", max_length=16, help_text="E.164, for eksempel +4791234567")
    message = models.TextField("melding", max_length=2000, blank=True)
    received_at = models.DateTimeField("mottatt", default=timezone.now)
    last_activity_at = models.DateTimeField("siste aktivitet", default=timezone.now)
    # What the visitor was shown with the form: evidence, written once by the intake.
    notice_version = models.ForeignKey(
        NoticeVersion,
        verbose_name="versjon av personvernerklæringen som ble vist",
        on_delete=models.PROTECT,
        related_name="enquiries",
        editable=False,
    )
    information_text = models.TextField("informasjonen som ble vist", blank=True, editable=False)
    form_location = models.CharField(
        "skjemaet stod på",
        max_length=20,
        choices=FormLocation.choices,
        blank=True,  # enquiries from before this was recorded
        editable=False,
    )
    status = models.CharField(
        "status", max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saksbehandler",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enquiries",
    )
    retain_until = models.DateTimeField("slettes etter")
    legal_hold_reason = models.CharField(
        "rettslig grunn til å beholde", max_length=300, blank=True
    )
    legal_hold_review_on = models.DateField("vurderes på nytt", null=True, blank=True)
    # GDPR art. 18: set and lifted through contacts.rights.restriction only.
    restricted_reason = models.CharField(
        "grunn til begrensning", max_length=300, blank=True, editable=False
    )
    restricted_at = models.DateTimeField("begrenset", null=True, blank=True, editable=False)
    quarantine_reason = models.CharField(
        "grunn til karantene", max_length=200, blank=True, db_default="", editable=False
    )
    # The callback promise (contacts/calendar.py): when the call is due, counted in working
    # hours from receipt (from release, for one let in from quarantine); when staff first
    # made contact; and when staff were reminded that it was nearly due, then overdue.
    callback_due_at = models.DateTimeField(
        "ring tilbake innen", null=True, blank=True, editable=False
    )
    contacted_at = models.DateTimeField("kontaktet", null=True, blank=True)
    due_soon_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The one-time token of the form it came from: a replay hits this constraint.
    form_nonce = models.CharField(max_length=64, unique=True, editable=False)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "henvendelse"
        verbose_name_plural = "henvendelser"
        indexes = [
            models.Index(fields=["status", "-received_at"], name="enquiry_status_received"),
            models.Index(fields=["-received_at", "-id"], name="enquiry_received"),
            models.Index(
                fields=["retain_until"],
                name="enquiry_purgeable",
                condition=Q(legal_hold_reason=""),
            ),
            models.Index(fields=["email"], name="enquiry_email"),
            # Case-insensitive exact e-mail: the admin search and data-subject requests.
            models.Index(Upper("email"), name="enquiry_email_upper"),
            models.Index(fields=["phone"], name="enquiry_phone"),
            # The inbox's default order and the reminder job: calls not yet made, by due time.
            models.Index(
                fields=["callback_due_at"],
                name="enquiry_callback_due",
                condition=Q(contacted_at__isnull=True, callback_due_at__isnull=False),
            ),
            # The inbox's order, so no page view sorts every open enquiry. PostgreSQL only.
            PostgreSQLIndex(
                awaiting_due_at().asc(nulls_last=True),
                F("received_at").desc(),
                F("id").desc(),
                name="enquiry_inbox_order",
            ),
            # Quarantine: its hourly cap counts the rows received in the last hour.
            models.Index(
                fields=["received_at"],
                name="enquiry_quarantine_received",
                condition=Q(status="karantene"),
            ),
            # The admin index counts the holds due for review on every visit.
            models.Index(
                fields=["legal_hold_review_on"],
                name="enquiry_hold_review",
                condition=~Q(legal_hold_reason=""),
            ),
        ]
        permissions = [
            ("export_enquiries", "Kan eksportere henvendelser til CSV"),
            ("erase_enquiries", "Kan slette henvendelser"),
            ("handle_data_subject_requests", "Kan behandle innsyn, retting og sletting"),
            ("record_withdrawal", "Kan registrere at et samtykke er trukket tilbake"),
            ("restrict_processing", "Kan begrense behandlingen av en henvendelse (art. 18)"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EnquiryStatus.values), name="enquiry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(retain_until__gte=models.F("received_at")),
                name="enquiry_retained_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(form_location__in=["", *FormLocation.values]),
                name="enquiry_form_location_valid",
            ),
            models.CheckConstraint(
                condition=Q(legal_hold_reason="", legal_hold_review_on__isnull=True)
                | ~Q(legal_hold_reason="") & Q(legal_hold_review_on__isnull=False),
                name="enquiry_hold_has_reason_and_review_date",
                violation_error_message="En rettslig grunn til å beholde henvendelsen må ha "
                "både en begrunnelse og en dato for ny vurdering.",
            ),
            models.CheckConstraint(
                condition=~Q(status="karantene") | ~Q(quarantine_reason=""),
                name="enquiry_quarantine_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(restricted_reason="", restricted_at__isnull=True)
                | ~Q(restricted_reason="") & Q(restricted_at__isnull=False),
                name="enquiry_restriction_has_reason_and_time",
            ),
        ]

    def __str__(self) -> str:
        # Shown in admin and logs: the id, never the person.
        return f"Henvendelse #{self.pk}"

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    def touch(self, now: dt.datetime | None = None) -> None:
        """Record activity: the retention date moves forward, within the hard maximum;
        while the status is spam it only ever moves closer (contacts/retention/rules.py), and in
        quarantine it stays until the enquiry is let in."""
        self.last_activity_at = now or timezone.now()
        if self.status == EnquiryStatus.SPAM:
            self.retain_until = spam_retention_date(self.retain_until, self.last_activity_at)
        elif self.status != EnquiryStatus.QUARANTINE:
            self.retain_until = retention_date(self.received_at, self.last_activity_at)


class Note(models.Model):
    """An internal note on an enquiry. Personal data too: it goes with the enquiry."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="skrevet av",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("tidspunkt", default=timezone.now)
    text = models.TextField("notat", max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "notat"
        verbose_name_plural = "notater"

    def __str__(self) -> str:
        return f"Notat #{self.pk}"
