"""Consent evidence: what the visitor was asked, what they answered, when, under which
version of the privacy notice, and whether they withdrew it.

The rows are evidence (GDPR article 7(1)), so the database keeps them as they were
written: a trigger (migration 0009) refuses any UPDATE except recording the first
withdrawal, and any DELETE while the enquiry still exists. They go with their enquiry
only, through the database's ON DELETE CASCADE: Django deletes nothing here itself.
"""

from __future__ import annotations

from django.db import connections, models
from django.db.models import Exists, OuterRef, Q

from privacy.models import NoticeVersion


def DATABASE_CASCADE(collector, field, sub_objs, using):  # named like models.CASCADE
    """on_delete for consent rows: the database deletes them with their enquiry.

    On PostgreSQL this is DO_NOTHING: the foreign key has ON DELETE CASCADE and a trigger
    refuses a DELETE of a consent whose enquiry still exists, which is what Django's
    CASCADE (children first) would send. The SQLite file of `make run` has neither, so
    there Django cascades as usual.
    """
    if connections[using].vendor != "postgresql":
        models.CASCADE(collector, field, sub_objs, using)


DATABASE_CASCADE.lazy_sub_objs = True  # never fetch the rows only to do nothing


class ConsentPurpose(models.TextChoices):
    ENQUIRY = "enquiry", "Behandle henvendelsen"
    MARKETING = "marketing", "Markedsføring"


class WithdrawalChannel(models.TextChoices):
    EMAIL = "e-post", "E-post"
    PHONE = "telefon", "Telefon"
    LETTER = "brev", "Brev"
    IN_PERSON = "muntlig", "Muntlig"
    DATA_SUBJECT_REQUEST = "innsynsforespørsel", "Ved henvendelse om personvern"
    SELF_SERVICE = "selvbetjening", "Selvbetjening (Dine opplysninger)"
    LINK = "lenke", "Lenken for å trekke tilbake"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> ConsentQuerySet:
        """Given, not withdrawn, and confirmed where confirmation was asked."""
        return self.filter(given=True, withdrawn_at__isnull=True).filter(
            Q(confirm_by__isnull=True) | Q(confirmed_at__isnull=False)
        )

    def awaiting_confirmation(self) -> ConsentQuerySet:
        """Given, not withdrawn, and neither confirmed nor lapsed yet."""
        return self.filter(
            given=True,
            withdrawn_at__isnull=True,
            confirm_by__isnull=False,
            confirmed_at__isnull=True,
            lapsed_at__isnull=True,
        )


def marketing_of_enquiry(*, pending: bool = False) -> ConsentQuerySet:
    """The marketing consent in force (with `pending`, awaiting the person's confirmation)
    of the enquiry an outer query is at (OuterRef("pk")): a subquery for enquiries."""
    consents = Consent.objects.awaiting_confirmation() if pending else Consent.objects.in_force()
    return consents.filter(enquiry=OuterRef("pk"), purpose=ConsentPurpose.MARKETING)


def marketing_consent(*, pending: bool = False) -> Exists:
    """Whether the outer query's enquiry has that consent: `with_marketing_consent`'s two
    annotations, and the admin's order by its column."""
    return Exists(marketing_of_enquiry(pending=pending))


class Consent(models.Model):
    """Evidence of one consent, per GDPR article 7(1): what was shown, when, and the answer."""

    # The database cascades (migration 0009). A migration that re-creates this foreign key
    # must keep its ON DELETE CASCADE.
    enquiry = models.ForeignKey(
        "contacts.Enquiry", on_delete=DATABASE_CASCADE, related_name="consents"
    )
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
    # Double opt-in (contacts/intake/confirmation.py): a marketing consent ticked on the
    # form is in force once the address's owner confirms it by e-mail, by `confirm_by`;
    # else it lapses. Null for consents that need no confirmation, or given before it
    # was asked.
    confirm_by = models.DateTimeField("bekreftes innen", null=True, blank=True)
    confirmed_at = models.DateTimeField("bekreftet", null=True, blank=True)
    lapsed_at = models.DateTimeField("ikke bekreftet i tide", null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, lapsed_at__isnull=True)
                | Q(confirm_by__isnull=False)
                & (Q(confirmed_at__isnull=True) | Q(lapsed_at__isnull=True)),
                name="consent_confirmed_or_lapsed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {'gitt' if self.given else 'ikke gitt'}"

    @property
    def in_force(self) -> bool:
        confirmed = self.confirm_by is None or self.confirmed_at is not None
        return self.given and self.withdrawn_at is None and confirmed

    @property
    def awaiting_confirmation(self) -> bool:
        return (
            self.given
            and self.withdrawn_at is None
            and self.confirm_by is not None
            and self.confirmed_at is None
            and self.lapsed_at is None
        )
