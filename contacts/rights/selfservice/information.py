"""The art. 15(1) information for one person, from the declarations of the notice version
in force: the purposes and legal bases that apply to what they sent us (what the form
tells about, and each consent they have in force), with the data, recipients and
retention each declares. Everything else on the page (rights, source, complaint) is text
in the template."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from contacts.models import Enquiry, EnquiryStatus
from privacy.datamap import Activity as MapActivity
from privacy.datamap import get_data_map
from privacy.declarations import Activity
from privacy.registry import Notice, get_registry

# The status of an enquiry, said plainly to the person it is from.
PLAIN_STATUS = {
    EnquiryStatus.NEW: "Mottatt. Vi har ikke begynt å se på den ennå.",
    EnquiryStatus.IN_PROGRESS: "Vi arbeider med henvendelsen.",
    EnquiryStatus.ANSWERED: "Vi har svart deg.",
    EnquiryStatus.CLOSED: "Saken er avsluttet.",
    EnquiryStatus.SPAM: "Merket som uønsket post (spam). Den slettes snart.",
}


@dataclass(frozen=True)
class Purpose:
    activity: Activity
    bases: str  # the legal bases, in words

    @property
    def purpose(self) -> str:
        return self.activity.purpose


def plain_status(enquiry: Enquiry) -> str:
    return PLAIN_STATUS.get(enquiry.status, enquiry.get_status_display())


def purposes(enquiries: list[Enquiry], notice: Notice | None = None) -> list[Purpose]:
    """What we process this person's data for, under the version in force: the activities
    the form informs about, the activity of each consent they have in force, and each
    declared activity that the data map says concerns an enquiry of theirs while one of
    its fields holds something (improvement from what they wrote; legal claims while an
    enquiry is held)."""
    notice = notice or get_registry().in_force(timezone.localdate())
    if notice is None or notice.declarations is None or not enquiries:
        return []
    declared = notice.declarations
    in_force = {c.purpose for e in enquiries for c in e.consents.all() if c.in_force}
    ids = list(declared.form.informs)
    ids += [c.activity for c in declared.form.consents if c.purpose in in_force]
    declared_ids = {a.id for a in declared.activities}
    ids += [a.id for a in _applying(enquiries) if a.id in declared_ids]
    chosen = [declared.activity(i) for i in dict.fromkeys(ids)]
    return [Purpose(activity=a, bases="; ".join(str(b) for b in a.bases)) for a in chosen]


def _applying(enquiries: list[Enquiry]) -> list[MapActivity]:
    """The map's activities with `applies_while_set` whose field holds something on one of
    these enquiries."""
    found = []
    for activity in get_data_map().activities:
        model, _, field = activity.applies_while_set.rpartition(".")
        if model == "contacts.Enquiry" and any(getattr(e, field) for e in enquiries):
            found.append(activity)
    return found


def version_in_force() -> Notice | None:
    return get_registry().in_force(timezone.localdate())
