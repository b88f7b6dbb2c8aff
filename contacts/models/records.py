"""Records kept about enquiries: staff notifications, erasures, the rights log and the
audit log.

None of them holds personal data: they name an enquiry by its number, or by keyed hashes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from common.ids import uuid7
from contacts.models.enquiry import Enquiry


class NotificationState(models.TextChoices):
    PENDING = "pending", "Venter"
    SENT = "sent", "Sendt"
    FAILED = "failed", "Feilet"


class Notification(models.Model):
    """The staff e-mail about one new enquiry. It carries no personal data, nor does this."""

    enquiry = models.OneToOneField(
        Enquiry,
        verbose_name="henvendelse",
        on_delete=models.CASCADE,
        related_name="notification",
    )
    state = models.CharField(
        "status",
        max_length=10,
        choices=NotificationState.choices,
        default=NotificationState.PENDING,
    )
    attempts = models.PositiveIntegerField("forsøk", default=0)
    # The exception's class only: an SMTP error text can quote the recipient or the body.
    last_error = models.CharField("siste feil", max_length=200, blank=True)
    created_at = models.DateTimeField("opprettet", default=timezone.now)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)

    class Meta:
        verbose_name = "varsel til ansatte"
        verbose_name_plural = "varsler til ansatte"
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_unsent",
                condition=~Q(state="sent"),
            )
        ]

    def __str__(self) -> str:
        return f"Varsel om henvendelse #{self.enquiry_id}"


class ErasureReason(models.TextChoices):
    RETENTION = "retention", "Lagringstiden utløp"
    REQUEST = "request", "Den registrerte ba om sletting"
    STAFF = "staff", "Slettet av saksbehandler"
    RESTORE = "restore", "Slettet på nytt etter gjenoppretting"


class ErasureRecord(models.Model):
    """That an enquiry was erased, when and why. No personal data, no foreign key to it.

    Each field's help text says, for the privacy notice, what it keeps (the notice lists
    them from here: pilaro_site/datamap/facts.py)."""

    # The id is for people reading the record; after a database restore the id sequence
    # can hand it to a new enquiry, so re-applying an erasure matches on `nonce_key`.
    enquiry_id = models.BigIntegerField(
        "henvendelse nr.", db_index=True, help_text="nummeret henvendelsen hadde"
    )
    # A keyed hash of the erased enquiry's form nonce (contacts.retention.keys.nonce_key): it
    # names that one submission and no other, ever. Empty for records made before it existed.
    nonce_key = models.CharField(
        "nøkkel",
        max_length=64,
        blank=True,
        editable=False,
        help_text="en hashverdi av skjemaets engangskode, laget med en hemmelig nøkkel, så vi "
        "kan slette henvendelsen på nytt hvis den kommer tilbake fra en sikkerhetskopi",
    )
    # When the erased enquiry came in: an enquiry received after the erasure is never it.
    received_at = models.DateTimeField(
        "mottatt", null=True, editable=False, help_text="når henvendelsen kom inn"
    )
    erased_at = models.DateTimeField(
        "slettet", default=timezone.now, help_text="når den ble slettet"
    )
    reason = models.CharField(
        "grunn",
        max_length=20,
        choices=ErasureReason.choices,
        help_text="hvorfor den ble slettet (lagringstiden var ute, du ba om det, eller en "
        "ansatt slettet den)",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utført av",
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # evidence: the record is never changed (migration 0027)
        related_name="+",
        help_text="hvilken ansatt som slettet den, når en ansatt gjorde det",
        db_index=False,  # erasure_actor below: only the records a staff user made
    )

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = "sletting"
        verbose_name_plural = "slettinger"
        indexes = [
            # The purge's records have no actor: a full index took one entry (and one WAL
            # record) per erased enquiry for no reader (contacts migration 0028).
            models.Index(fields=["actor"], name="erasure_actor", condition=Q(actor__isnull=False))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["nonce_key"], condition=~Q(nonce_key=""), name="erasure_nonce_key_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Henvendelse #{self.enquiry_id} slettet {self.erased_at:%Y-%m-%d}"


class LiftTold(models.TextChoices):
    SITE_EMAIL = "nettstedets_epost", "E-post fra nettstedet"
    OTHER = "annen_maate", "På annen måte"


class RestrictionLift(models.Model):
    """A restriction lifted, and how the person was told of it (art. 18(3): before it is
    lifted, so staff confirm it as they lift it, or have the site e-mail them). Kept with
    the enquiry and erased with it."""

    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.CASCADE, related_name="restriction_lifts"
    )
    lifted_at = models.DateTimeField("opphevet", default=timezone.now)
    told = models.CharField("fikk vite", max_length=20, choices=LiftTold.choices)
    told_how = models.CharField("slik", max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="opphevet av",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "opphevet begrensning"
        verbose_name_plural = "opphevede begrensninger"
        constraints = [
            models.CheckConstraint(
                condition=Q(told=LiftTold.SITE_EMAIL) | ~Q(told_how=""),
                name="restriction_lift_says_how_the_person_was_told",
            )
        ]

    def __str__(self) -> str:
        return f"Begrensning av #{self.enquiry_id} opphevet"


class RightsEventKind(models.TextChoices):
    ERASURE = "sletting", "Sletting"
    WITHDRAWAL = "tilbaketrekking", "Samtykke trukket tilbake"
    SUPPRESSION = "reservasjon", "Reservasjon mot markedsføring"
    RESTRICTION = "begrensning", "Behandling begrenset"
    RESTRICTION_LIFTED = "begrensning_opphevet", "Begrensning opphevet"
    CONFIRMATION = "bekreftelse", "Samtykke bekreftet"
    LAPSE = "ikke_bekreftet", "Samtykke ikke bekreftet i tide"


class RightsEvent(models.Model):
    """One exercise of a right, or a change a person made to what we may do: the rights
    log (contacts/rights/log.py). Append-only (a database trigger refuses changes), kept
    off the server by `export_rights_log` and replayed after a restore by
    `replay_rights_log`.

    An event names its enquiry the way a restore cannot confuse: by a keyed hash of the
    enquiry's form nonce and the exact time it came in (a restore rewinds the id
    sequence, so a new enquiry can get an old one's number). An objection names the
    person by a keyed hash of the address. Keyed hashes, times and codes: no name,
    address or text anyone wrote."""

    # The name an export and a replay know the event by: replaying it twice is once.
    event_id = models.UUIDField(unique=True, default=uuid7, editable=False)
    at = models.DateTimeField("tidspunkt", default=timezone.now)
    kind = models.CharField("hendelse", max_length=30, choices=RightsEventKind.choices)
    # For people reading the log; a replay never finds an enquiry by it alone.
    enquiry_id = models.BigIntegerField("henvendelse nr.", null=True, blank=True)
    nonce_key = models.CharField(
        "nøkkel",
        max_length=64,
        blank=True,
        editable=False,
        help_text="en hashverdi av skjemaets engangskode, laget med en hemmelig nøkkel",
    )
    received_at = models.DateTimeField("mottatt", null=True, blank=True, editable=False)
    person_key = models.CharField(
        "personnøkkel",
        max_length=64,
        blank=True,
        editable=False,
        help_text="en hashverdi av e-postadressen, laget med en hemmelig nøkkel",
    )
    purpose = models.CharField("formål", max_length=20, blank=True)
    channel = models.CharField("kanal", max_length=30, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "rettighetshendelse"
        verbose_name_plural = "rettighetslogg"
        constraints = [
            # An objection is about a person; everything else about one enquiry, named so
            # that a replay after a restore finds that one and no other.
            models.CheckConstraint(
                condition=(Q(kind=RightsEventKind.SUPPRESSION) & ~Q(person_key=""))
                | (
                    ~Q(kind=RightsEventKind.SUPPRESSION)
                    & Q(enquiry_id__isnull=False)
                    & (~Q(nonce_key="") | Q(received_at__isnull=False))
                ),
                name="rights_event_names_its_subject",
            )
        ]
        indexes = [models.Index(fields=["at"], name="rights_event_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class AuditAction(models.TextChoices):
    EXPORT = "export", "Eksport til CSV"
    SUBJECT_SEARCH = "subject_search", "Søk etter en persons opplysninger"
    SUBJECT_DOWNLOAD = "subject_download", "Innsyn lastet ned"
    ERASURE = "erasure", "Sletting"
    LEGAL_HOLD_SET = "legal_hold_set", "Rettslig grunn til å beholde satt"
    LEGAL_HOLD_RELEASED = "legal_hold_released", "Rettslig grunn til å beholde opphevet"
    WITHDRAWAL = "withdrawal", "Samtykke trukket tilbake"
    RESTRICTION_SET = "restriction_set", "Behandling begrenset"
    RESTRICTION_LIFTED = "restriction_lifted", "Begrensning opphevet"
    SUBJECT_REQUEST_RECORDED = "subject_request_recorded", "Forespørsel fra registrert ført inn"
    SUBJECT_REQUEST_COMPLETED = "subject_request_completed", "Forespørsel fra registrert fullført"
    SUBJECT_REQUEST_EXTENDED = "subject_request_extended", "Frist for forespørsel forlenget"
    SUBJECT_DEADLINE_REMINDER = "subject_deadline_reminder", "Påminnelse om frister sendt"
    QUARANTINE_RELEASED = "quarantine_released", "Sluppet inn fra karantene"
    PURGE_DIGEST = "purge_digest", "Oversikt over kommende sletting sendt"
    CONTACT_RECORDED = "contact_recorded", "Kontakt med innsender registrert"
    CONSENT_CONFIRMED = "consent_confirmed", "Samtykke til markedsføring bekreftet"
    CONSENT_LAPSED = "consent_lapsed", "Samtykke til markedsføring ikke bekreftet i tide"


class AuditEntry(models.Model):
    """Who did what to how many enquiries. Append-only (a database trigger refuses changes);
    it names enquiries by number only, never the person."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utført av",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField("tidspunkt", default=timezone.now)
    action = models.CharField("handling", max_length=30, choices=AuditAction.choices)
    enquiry_ids = models.JSONField("henvendelser", default=list)
    count = models.PositiveIntegerField("antall")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "logglinje"
        verbose_name_plural = "revisjonslogg"
        # Without it, "view" shows one's own lines only (contacts/admin/logs.py).
        permissions = [("view_all_auditentries", "Kan se hele revisjonsloggen")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.count})"
