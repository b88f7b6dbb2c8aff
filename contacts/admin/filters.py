"""The admin lists' filters, and links to a list with filters set.

Each filter says which values a link may carry (`link_values`); `list_url` builds a
filtered list's address from those and refuses any other, so the links in the staff
e-mails and on the admin index (the template tag `list_url`, contacts_admin) cannot drift
from the filters they name.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from common.urls import with_query
from contacts.inbox import callbacks
from contacts.models import Enquiry, EnquiryStatus
from contacts.models.consent import marketing_consent

ENQUIRIES, SUBJECT_REQUESTS = "contacts.enquiry", "contacts.subjectrequest"


class LinkedFilter(admin.SimpleListFilter):
    """A filter of the list of `model` (its label) that links can set."""

    model: ClassVar[str] = ENQUIRIES
    link_values: ClassVar[tuple[str, ...]] = ()
    _by_model: ClassVar[dict[str, dict[str, type[LinkedFilter]]]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        LinkedFilter._by_model.setdefault(cls.model, {})[cls.parameter_name] = cls

    @classmethod
    def url(cls, **params: object) -> str:
        """The path of this filter's list with these filters set (this one among them)."""
        return list_url(cls.model, **params)


def list_url(model: str, **params: object) -> str:
    """The path of the admin list of `model` ("contacts.enquiry") with its filters set as
    `params` (parameter name: value). ValueError for a filter or value it does not have."""
    filters = LinkedFilter._by_model.get(model, {})
    for name, value in params.items():
        linked = filters.get(name)
        if linked is None or str(value) not in linked.link_values:
            raise ValueError(f"the list of {model} has no filter {name}={value}")
    app_label, model_name = model.split(".")
    path = reverse(f"admin:{app_label}_{model_name}_changelist")
    return with_query(path, {name: str(value) for name, value in params.items()})


class StatusFilter(LinkedFilter):
    """Status, defaulting to the open enquiries (ny and under behandling); quarantine with
    how many it holds (the default leaves it out)."""

    title = "status"
    parameter_name = "status"
    OPEN, ALL = "open", "all"
    link_values = (OPEN, ALL, *EnquiryStatus.values)

    def lookups(self, request, model_admin):
        held = Enquiry.objects.filter(status=EnquiryStatus.QUARANTINE).count()
        return [
            (self.OPEN, "Åpne (ny og under behandling)"),
            *(
                (value, f"{label} ({held})" if value == EnquiryStatus.QUARANTINE else label)
                for value, label in EnquiryStatus.choices
            ),
            (self.ALL, "Alle"),
        ]

    def value(self):
        return super().value() or self.OPEN

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.OPEN:
            return queryset.open()
        if value in EnquiryStatus.values:
            return queryset.filter(status=value)
        return queryset


class AssigneeFilter(LinkedFilter):
    title = "saksbehandler"
    parameter_name = "saksbehandler"
    ME, NOBODY = "meg", "ingen"
    link_values = (ME, NOBODY)

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return [
            (self.ME, "Meg"),
            (self.NOBODY, "Ingen"),
            *((str(u.pk), u.get_username()) for u in staff),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ME:
            return queryset.filter(assignee=request.user)
        if value == self.NOBODY:
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class YesNoFilter(LinkedFilter):
    """A filter with two choices, "ja" and "nei", each a queryset method."""

    link_values = ("ja", "nei")
    labels: ClassVar[tuple[str, str]] = ("Ja", "Nei")

    def lookups(self, request, model_admin):
        return list(zip(self.link_values, self.labels, strict=True))

    def queryset(self, request, queryset):
        if self.value() in self.link_values:
            return self.pick(queryset, self.value() == "ja")
        return queryset

    def pick(self, queryset, yes: bool):
        raise NotImplementedError


class MarketingFilter(YesNoFilter):
    title = "samtykke til markedsføring"
    parameter_name = "markedsforing"

    def pick(self, queryset, yes: bool):
        return queryset.filter(marketing_consent() if yes else ~marketing_consent())


class RestrictionFilter(YesNoFilter):
    title = "begrensning (art. 18)"
    parameter_name = "begrenset"
    labels = ("Begrenset", "Ikke begrenset")

    def pick(self, queryset, yes: bool):
        return queryset.restricted() if yes else queryset.unrestricted()


class RetentionEndingFilter(LinkedFilter):
    title = "sletting"
    parameter_name = "sletting"
    link_values = ("7", "30")  # days; the weekly purge digest links to the 7

    def lookups(self, request, model_admin):
        return [(days, f"Slettes innen {days} dager") for days in self.link_values]

    def queryset(self, request, queryset):
        if self.value() in self.link_values:
            # What the nightly purge will have erased by then, unless something changes.
            return queryset.expired(timezone.now() + dt.timedelta(days=int(self.value())))
        return queryset


class LegalHoldFilter(LinkedFilter):
    """Enquiries kept back by a legal hold, and the holds whose review date has come."""

    title = "rettslig grunn"
    parameter_name = "rettslig_grunn"
    HELD, DUE = "holdes", "vurderes"
    link_values = (HELD, DUE)

    def lookups(self, request, model_admin):
        return [(self.HELD, "Holdes tilbake"), (self.DUE, "Til ny vurdering")]

    def queryset(self, request, queryset):
        if self.value() == self.HELD:
            return queryset.exclude(legal_hold_reason="")
        if self.value() == self.DUE:
            return queryset.holds_due_for_review(timezone.localdate())
        return queryset


class CallbackFilter(LinkedFilter):
    """The callback promise (contacts/inbox/callbacks.py): overdue and nearly due calls
    (open, not contacted), and whether contact is recorded."""

    title = "frist"
    parameter_name = "frist"
    CHOICES = (
        (callbacks.OVERDUE, "Forfalt"),
        (callbacks.DUE_SOON, "Forfaller innen 1 arbeidstime"),
        ("ikke_kontaktet", "Ikke kontaktet"),
        ("kontaktet", "Kontaktet"),
    )
    link_values = tuple(value for value, _ in CHOICES)

    def lookups(self, request, model_admin):
        return self.CHOICES

    def queryset(self, request, queryset):
        value = self.value()
        if value in callbacks.BY_LIST_FILTER:
            return queryset.filter(callbacks.BY_LIST_FILTER[value].rows(timezone.now()))
        if value in ("ikke_kontaktet", "kontaktet"):
            return queryset.filter(contacted_at__isnull=value == "ikke_kontaktet")
        return queryset


class SubjectStatusFilter(LinkedFilter):
    model = SUBJECT_REQUESTS
    title = "status"
    parameter_name = "status"
    OPEN, OVERDUE, SOON, DONE = "apen", "forfalt", "snart", "fullfort"
    link_values = (OPEN, OVERDUE, SOON, DONE)

    def lookups(self, request, model_admin):
        days = settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS
        return [
            (self.OPEN, "Åpne"),
            (self.OVERDUE, "Over fristen"),
            (self.SOON, f"Frist innen {days} dager"),
            (self.DONE, "Fullført"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        days = settings.CONTACTS_SUBJECT_REQUEST_WARN_DAYS
        return {
            self.OPEN: lambda: queryset.open(),
            self.OVERDUE: lambda: queryset.overdue(today),
            self.SOON: lambda: queryset.due_within(today, days),
            self.DONE: lambda: queryset.filter(completed_at__isnull=False),
        }.get(self.value(), lambda: queryset)()
