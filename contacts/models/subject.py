"""Data subjects' requests and objections, kept with as little personal data as works.

A person is named by a keyed hash of their e-mail address (`contacts.retention.keys.person_key`),
never by the address: these records outlive the enquiries they concern.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from contacts.models.enquiry import Enquiry


class SubjectRequestKind(models.TextChoices):
    ACCESS = "innsyn", "Innsyn"
    RECTIFICATION = "retting", "Retting"
    ERASURE = "sletting", "Sletting"
    RESTRICTION = "begrensning", "Begrensning"
    OBJECTION = "innsigelse", "Innsigelse"
    PORTABILITY = "dataportabilitet", "Dataportabilitet"


class SubjectRequestChannel(models.TextChoices):
    SELF_SERVICE = "selvbetjening", "Selvbetjening"
    EMAIL = "e-post", "E-post"
    PHONE = "telefon", "Telefon"
    LETTER = "brev", "Brev"
    FORM = "skjema", "Kontaktskjemaet"
    LINK = "lenke", "Lenken for å trekke tilbake"


def one_month_after(day: dt.date) -> dt.date:
    """Art. 12(3): one month from receipt; the same day next month, or the month's last."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class SubjectRequestQuerySet(models.QuerySet["SubjectRequest"]):
    def open(self) -> SubjectRequestQuerySet:
        return self.filter(completed_at__isnull=True)

    def overdue(self, today: dt.date) -> SubjectRequestQuerySet:
        return self.open().filter(
            Q(extended_to__isnull=True, due_on__lt=today) | Q(extended_to__lt=today)
        )

    def due_within(self, today: dt.date, days: int) -> SubjectRequestQuerySet:
        """Open, not yet overdue, and due within `days` days."""
        last = today + dt.timedelta(days=days)
        return self.open().filter(
            Q(extended_to__isnull=True, due_on__gte=today, due_on__lte=last)
            | Q(extended_to__gte=today, extended_to__lte=last)
        )


class SubjectRequest(models.Model):
    """One request under GDPR articles 15–21, from any channel, with its deadline."""

    kind = models.CharField("type", max_length=20, choices=SubjectRequestKind.choices)
    channel = models.CharField("kanal", max_length=20, choices=SubjectRequestChannel.choices)
    received_at = models.DateTimeField("mottatt", default=timezone.now)
    due_on = models.DateField("frist")
    extended_to = models.DateField("forlenget til", null=True, blank=True)
    extension_reason = models.CharField("grunn til forlengelse", max_length=300, blank=True)
    # Art. 12(3): the person is told of the extension, and why, within the first deadline.
    extension_told_on = models.DateField("fikk vite om forlengelsen", null=True, blank=True)
    extension_told_how = models.CharField(
        "slik fikk den registrerte vite", max_length=200, blank=True
    )
    completed_at = models.DateTimeField("fullført", null=True, blank=True)
    outcome = models.CharField("utfall", max_length=300, blank=True)
    # What the person asked for in their own words (a correction): personal data, so it is
    # kept short and erased with the enquiries it concerns (see contacts.rights.subject_log).
    details = models.TextField("forespørselen", max_length=2000, blank=True)
    person_key = models.CharField("person (nøkkel)", max_length=64, db_index=True, editable=False)
    enquiries = models.ManyToManyField(
        Enquiry, verbose_name="henvendelser", blank=True, related_name="subject_requests"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="registrert av",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        ordering = ["completed_at", "due_on", "id"]
        verbose_name = "forespørsel fra en registrert"
        verbose_name_plural = "forespørsler fra registrerte"
        indexes = [
            models.Index(
                fields=["due_on"], name="subject_request_open", condition=Q(completed_at=None)
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SubjectRequestKind.values), name="subject_request_kind"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=SubjectRequestChannel.values),
                name="subject_request_channel",
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True, extension_reason="")
                | Q(extended_to__isnull=False)
                & ~Q(extension_reason="")
                & Q(extended_to__gt=F("due_on")),
                name="subject_request_extension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def due(self) -> dt.date:
        return self.extended_to or self.due_on

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.completed_at is None and self.due < (today or timezone.localdate())


class MarketingSuppression(models.Model):
    """An address that objected to marketing (art. 21(2)), as a keyed hash. It outlives
    the enquiries and the purge: exports and any marketing selection leave it out."""

    person_key = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("registrert", default=timezone.now)
    channel = models.CharField("kanal", max_length=20, choices=SubjectRequestChannel.choices)

    class Meta:
        verbose_name = "reservasjon mot markedsføring"
        verbose_name_plural = "reservasjoner mot markedsføring"

    def __str__(self) -> str:
        return f"Reservasjon #{self.pk}"


class AccessLink(models.Model):
    """A link e-mailed to a person for "Dine opplysninger": single use, short-lived. Only
    a hash of its secret is kept, and the person as a keyed hash of the address."""

    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    person_key = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lenke til Dine opplysninger"
        verbose_name_plural = "lenker til Dine opplysninger"
        indexes = [models.Index(fields=["expires_at"], name="access_link_expiry")]

    def __str__(self) -> str:
        return f"Lenke #{self.pk}"
