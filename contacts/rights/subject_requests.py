"""A person's own data, found by e-mail or phone, shown and downloaded (GDPR art. 15, 20).

Restricted enquiries are included: access is the person's own right, not processing that
a restriction stops."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from contacts.audit import audit
from contacts.models import AuditAction, Enquiry, SubjectRequest
from contacts.rights import subject_log


def find_subject_records(
    *, email: str = "", phone: str = "", actor: AbstractBaseUser
) -> list[Enquiry]:
    """Every enquiry, with its notes and consents, about the person with this e-mail or phone."""
    enquiries = list(
        Enquiry.objects.about_person(email=email, phone=phone)
        .select_related("notice_version")
        .prefetch_related("notes", "consents__notice_version")
        .order_by("received_at", "pk")
    )
    audit(actor=actor, action=AuditAction.SUBJECT_SEARCH, ids=[e.pk for e in enquiries])
    return enquiries


def subject_data(enquiries: list[Enquiry]) -> dict:
    """Everything held about a person, as plain data (GDPR articles 15 and 20)."""

    def when(value: dt.datetime | None) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    return {
        "behandlingsansvarlig": settings.COMPANY["name"],
        "generert": when(timezone.now()),
        "henvendelser": [
            {
                "nr": e.pk,
                "navn": e.name,
                "firma": e.company,
                "epost": e.email,
                "telefon": e.phone,
                "melding": e.message,
                "mottatt": when(e.received_at),
                "siste_aktivitet": when(e.last_activity_at),
                "status": e.get_status_display(),
                "slettes_etter": when(e.retain_until),
                "personvernerklæring_versjon": e.notice_version.version,
                "informasjon_som_ble_vist": e.information_text,
                "skjemaet_stod_på": e.get_form_location_display() or None,
                "begrenset": when(e.restricted_at),
                "begrunnelse_for_begrensning": e.restricted_reason or None,
                "samtykker": [
                    {
                        "formål": c.get_purpose_display(),
                        "gitt": c.given,
                        "tekst_som_ble_vist": c.label_text,
                        "registrert": when(c.given_at),
                        "personvernerklæring_versjon": c.notice_version.version,
                        "trukket_tilbake": when(c.withdrawn_at),
                        "trukket_tilbake_via": c.get_withdrawal_channel_display() or None,
                    }
                    for c in e.consents.all()
                ],
                "notater": [
                    {"tidspunkt": when(n.created_at), "tekst": n.text} for n in e.notes.all()
                ],
            }
            for e in enquiries
        ],
    }


def subject_download(*, enquiries: list[Enquiry], actor: AbstractBaseUser) -> dict:
    audit(actor=actor, action=AuditAction.SUBJECT_DOWNLOAD, ids=[e.pk for e in enquiries])
    return subject_data(enquiries)


def record_request(
    *,
    email: str,
    phone: str = "",
    kind: str,
    channel: str,
    received_on: dt.date,
    details: str = "",
    actor: AbstractBaseUser,
) -> SubjectRequest:
    """A request that came by e-mail, phone, letter or the form, recorded by staff: due a
    month after `received_on`, linked to the enquiries a search for this person finds now,
    and to the person by a keyed hash of the address (never the address itself)."""
    found = Enquiry.objects.about_person(email=email, phone=phone).values_list("pk", flat=True)
    return subject_log.open_request(
        kind=kind,
        channel=channel,
        email=email,
        enquiry_ids=found,
        details=details.strip(),
        received_at=subject_log.received_at_on(received_on),
        actor=actor,
    )
