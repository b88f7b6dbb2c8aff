"""Enquiries from the callback form, their consent evidence, notes and notifications.

Data minimisation: an enquiry holds what the visitor typed, when it came, and what staff
did with it. No IP address, no user agent. Erasing an enquiry deletes it with everything
that hangs on it and leaves an ErasureRecord without personal data.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.utils import timezone

from contacts import phone as phone_numbers
from contacts.retention import retention_date
from privacy.models import NoticeVersion


class EnquiryStatus(models.TextChoices):
    NEW = "ny", "Ny"
    IN_PROGRESS = "under_behandling", "Under behandling"
    ANSWERED = "besvart", "Besvart"
    CLOSED = "lukket", "Lukket"
    SPAM = "spam", "Spam"


OPEN_STATUSES = (EnquiryStatus.NEW, EnquiryStatus.IN_PROGRESS)


class EnquiryQuerySet(models.QuerySet["Enquiry"]):
    def open(self) -> EnquiryQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def expired(self, now: dt.datetime) -> EnquiryQuerySet:
        """Past their retention date and not under a legal hold."""
        return self.filter(retain_until__lte=now, legal_hold_reason="")

    def with_marketing_consent(self) -> EnquiryQuerySet:
        """Annotate `marketing`: a marketing consent given and not withdrawn."""
        in_force = Consent.objects.filter(
            enquiry=OuterRef("pk"),
            purpose=ConsentPurpose.MARKETING,
            given=True,
            withdrawn_at__isnull=True,
        )
        return self.annotate(marketing=Exists(in_force))

    def about_person(self, *, email: str = "", phone: str = "") -> EnquiryQuerySet:
        """A person's enquiries: the same e-mail address in any case, or the same phone
        number however it was typed. Neither given: none."""
        condition = Q(pk__in=[])
        if email.strip():
            condition |= Q(email__iexact=email.strip())
        e164 = phone_numbers.for_search(phone) if phone.strip() else None
        if e164:
            condition |= Q(phone=e164)
        return self.filter(condition)

    def index_counts(self) -> dict[str, int]:
        """For the admin index: how many are new, and how many open ones nobody has taken."""
        return {
            "new": self.filter(status=EnquiryStatus.NEW).count(),
            "unassigned": self.open().filter(assignee__isnull=True).count(),
        }


class Enquiry(models.Model):
    name = models.CharField("navn", max_length=100)
    company = models.CharField("firma", max_length=100, blank=True)
    email = models.EmailField("e-post", max_length=254)
    phone = models.CharField("telefon", max_length=16, help_text="E.164, for eksempel +4791234567")
    message = models.TextField("melding", max_length=2000, blank=True)
    received_at = models.DateTimeField("mottatt", default=timezone.now)
    last_activity_at = models.DateTimeField("siste aktivitet", default=timezone.now)
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
        ]
        permissions = [
            ("export_enquiries", "Kan eksportere henvendelser til CSV"),
            ("erase_enquiries", "Kan slette henvendelser"),
            ("handle_data_subject_requests", "Kan behandle innsyn, retting og sletting"),
            ("record_withdrawal", "Kan registrere at et samtykke er trukket tilbake"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EnquiryStatus.values), name="enquiry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(retain_until__gte=models.F("received_at")),
                name="enquiry_retained_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        # Shown in admin and logs: the id, never the person.
        return f"Henvendelse #{self.pk}"

    def touch(self, now: dt.datetime | None = None) -> None:
        """Record activity: the retention date moves forward, within the hard maximum."""
        self.last_activity_at = now or timezone.now()
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


class ConsentPurpose(models.TextChoices):
    ENQUIRY = "enquiry", "Behandle henvendelsen"
    MARKETING = "marketing", "Markedsføring"


class WithdrawalChannel(models.TextChoices):
    EMAIL = "e-post", "E-post"
    PHONE = "telefon", "Telefon"
    LETTER = "brev", "Brev"
    IN_PERSON = "muntlig", "Muntlig"
    DATA_SUBJECT_REQUEST = "innsynsforespørsel", "Ved henvendelse om personvern"


class Consent(models.Model):
    """Evidence of one consent, per GDPR article 7(1): what was shown, when, and the answer."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("formål", max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField("gitt")
    label_text = models.TextField("teksten som ble vist")
    given_at = models.DateTimeField("registrert")
    notice_version = models.ForeignKey(
        NoticeVersion,
        verbose_name="versjon av personvernerklæringen",
        on_delete=models.PROTECT,
        related_name="consents",
    )
    withdrawn_at = models.DateTimeField("trukket tilbake", null=True, blank=True)
    withdrawal_channel = models.CharField(
        "trukket tilbake via", max_length=20, choices=WithdrawalChannel.choices, blank=True
    )

    class Meta:
        verbose_name = "samtykke"
        verbose_name_plural = "samtykker"
        indexes = [
            # The admin shows, for every listed enquiry, whether marketing consent is in force.
            models.Index(
                fields=["enquiry"],
                name="consent_marketing_in_force",
                condition=Q(purpose="marketing", given=True, withdrawn_at__isnull=True),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "purpose"], name="one_consent_per_purpose"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(given=True),
                name="only_given_consent_is_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawal_channel="")
                | Q(withdrawn_at__isnull=False) & ~Q(withdrawal_channel=""),
                name="withdrawal_has_time_and_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'gitt' if self.given else 'ikke gitt'}"

    @property
    def in_force(self) -> bool:
        return self.given and self.withdrawn_at is None
