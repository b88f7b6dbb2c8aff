"""What a person does on "Dine opplysninger": the person's door onto the same services the
staff use (one implementation of each right), each use recorded.

- Opening the page is a request for access (innsyn): the staff's audited search finds the
  enquiries, and a completed `SubjectRequest` records it.
- Withdrawing marketing consent is `withdrawal.record_withdrawal` with the channel
  "selvbetjening" (audited; the retention date does not move). It is recorded on the
  consent, not as a request.
- An objection to marketing (art. 21(2)) puts the address on the suppression list.
- Erasure is `erasure.erase_enquiries` with reason "request" (audited, an ErasureRecord per
  enquiry), never of an enquiry under a legal hold.
- The JSON download is a request for portability (art. 20); a correction is a request that
  stays open for staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch

from contacts.audit import audit
from contacts.models import (
    AuditAction,
    Consent,
    ConsentPurpose,
    Enquiry,
    ErasureReason,
    SubjectRequest,
    SubjectRequestChannel,
    SubjectRequestKind,
    WithdrawalChannel,
)
from contacts.retention import erasure
from contacts.retention.keys import person_key
from contacts.rights import subject_log, subject_requests, suppression, withdrawal

CHANNEL = SubjectRequestChannel.SELF_SERVICE


def enquiries_of(address: str) -> list[Enquiry]:
    """The person's enquiries, oldest first, with their consents and notice versions."""
    consents = Consent.objects.select_related("notice_version").order_by("purpose", "pk")
    return list(
        Enquiry.objects.about_person(email=address)
        .select_related("notice_version")
        .prefetch_related(Prefetch("consents", queryset=consents))
        .order_by("received_at", "pk")
    )


def record_access(address: str) -> SubjectRequest:
    """The person opened their page: the search is audited, the request recorded done."""
    found = subject_requests.find_subject_records(email=address, actor=None)
    return subject_log.record_completed(
        kind=SubjectRequestKind.ACCESS,
        channel=CHANNEL,
        email=address,
        outcome="Opplysningene ble vist på Dine opplysninger.",
        enquiry_ids=[e.pk for e in found],
    )


def marketing_consents_in_force(address: str) -> list[Consent]:
    return list(
        Consent.objects.filter(
            enquiry__in=Enquiry.objects.about_person(email=address),
            purpose=ConsentPurpose.MARKETING,
            given=True,
            withdrawn_at__isnull=True,
        ).order_by("pk")
    )


def withdraw_marketing(address: str) -> int:
    """Withdraw every marketing consent in force for the address. How many were."""
    return sum(
        withdrawal.record_withdrawal(consent=c, channel=WithdrawalChannel.SELF_SERVICE, actor=None)
        for c in marketing_consents_in_force(address)
    )


def object_to_marketing(address: str) -> bool:
    """Art. 21(2). True when the address was not on the suppression list already."""
    with transaction.atomic():
        added = suppression.object_to_marketing(email=address, channel=CHANNEL)
        if added:
            subject_log.record_completed(
                kind=SubjectRequestKind.OBJECTION,
                channel=CHANNEL,
                email=address,
                outcome="Adressen er ført på listen over reservasjoner mot markedsføring.",
            )
    return added


@dataclass(frozen=True)
class Erased:
    erased: int
    held: list[int]  # the numbers of those kept back by a legal hold


def erase(address: str, ids: Iterable[int] | None = None) -> Erased:
    """Erase the person's enquiries now (those of `ids` only, if given; any other id is
    ignored), except those under a legal hold. Recorded and audited."""
    with transaction.atomic():
        found = list(
            Enquiry.objects.about_person(email=address)
            .select_for_update()
            .values_list("pk", "legal_hold_reason")
        )
        if ids is not None:
            wanted = set(ids)
            found = [(pk, hold) for pk, hold in found if pk in wanted]
        held = sorted(pk for pk, hold in found if hold)
        free = [pk for pk, hold in found if not hold]
        subject_log.record_completed(
            kind=SubjectRequestKind.ERASURE,
            channel=CHANNEL,
            email=address,
            outcome=f"{len(free)} henvendelse(r) slettet; {len(held)} beholdt fordi det er "
            "en rettslig grunn til å beholde dem.",
            enquiry_ids=held,
        )
        count = erasure.erase_enquiries(ids=free, reason=ErasureReason.REQUEST) if free else 0
    return Erased(erased=count, held=held)


def record_portability(address: str, enquiries: list[Enquiry]) -> None:
    ids = [e.pk for e in enquiries]
    audit(actor=None, action=AuditAction.SUBJECT_DOWNLOAD, ids=ids)
    subject_log.record_completed(
        kind=SubjectRequestKind.PORTABILITY,
        channel=CHANNEL,
        email=address,
        outcome="Opplysningene ble lastet ned som JSON.",
        enquiry_ids=ids,
    )


def ask_for_full_access(address: str) -> SubjectRequest:
    """An access request (art. 15) for what the page does not show: staff notes and the
    handling history, which staff review before they send the access report. One open
    request at a time: asking again gives the one already open."""
    key = person_key(address)
    already = SubjectRequest.objects.open().filter(
        person_key=key, kind=SubjectRequestKind.ACCESS, channel=CHANNEL
    )
    return already.order_by("received_at").first() or subject_log.open_request(
        kind=SubjectRequestKind.ACCESS,
        channel=CHANNEL,
        email=address,
        enquiry_ids=Enquiry.objects.about_person(email=address).values_list("pk", flat=True),
    )


def ask_for_correction(address: str, text: str) -> SubjectRequest:
    """A correction request, open for staff, due a month from now."""
    return subject_log.open_request(
        kind=SubjectRequestKind.RECTIFICATION,
        channel=CHANNEL,
        email=address,
        enquiry_ids=Enquiry.objects.about_person(email=address).values_list("pk", flat=True),
        details=text,
    )
