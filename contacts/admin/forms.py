"""The admin's own forms.

- An enquiry's change form (`EnquiryAdminForm`), which shows the services' refusals by
  their fields, and the pages for a withdrawn consent and for restriction.
- Subject requests: finding a person (`SubjectSearchForm`), recording a request (on the
  person's page, or the admin's add page where the address is typed), completing one and
  extending its deadline.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.dates import DATE
from contacts import phone as phone_numbers
from contacts.inbox import contact, triage
from contacts.models import (
    Enquiry,
    LiftTold,
    SubjectRequest,
    SubjectRequestChannel,
    SubjectRequestKind,
    WithdrawalChannel,
)
from contacts.restricted import RESTRICTED_MESSAGE
from contacts.rights import restriction

# Self-service requests record themselves; staff record the ones that came another way.
STAFF_CHANNELS = [
    (value, label)
    for value, label in SubjectRequestChannel.choices
    if value != SubjectRequestChannel.SELF_SERVICE
]
DETAILS_HELP = (
    "Valgfritt, og bare det som trengs for å behandle forespørselen, for eksempel hva som "
    "skal rettes. Tømmes når forespørselen er fullført og henvendelsene er slettet."
)


def _not_in_the_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError("Mottaksdatoen kan ikke være frem i tid.")
    return day


class SubjectRecordForm(forms.Form):
    """What staff say about a request: kind, channel, when it came, and optionally what.
    On the data-subject page, for the person just searched for."""

    kind = forms.ChoiceField(label="Type", choices=SubjectRequestKind.choices)
    channel = forms.ChoiceField(label="Kom via", choices=STAFF_CHANNELS)
    received_on = forms.DateField(
        label="Mottatt",
        initial=timezone.localdate,
        help_text="Dagen forespørselen kom inn (dd.mm.åååå). Fristen er én måned etter.",
        widget=forms.DateInput(format=DATE),
    )
    details = forms.CharField(
        label="Forespørselen",
        required=False,
        max_length=2000,
        help_text=DETAILS_HELP,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def clean_received_on(self) -> dt.date:
        return _not_in_the_future(self.cleaned_data["received_on"])


class SubjectRequestAddForm(forms.ModelForm):
    """The admin's add page: the address is typed, hashed, and never stored."""

    email = forms.EmailField(
        label="Personens e-postadresse",
        help_text="Lagres ikke: bare en nøkkel laget av adressen, og henvendelsene med den.",
    )
    kind = SubjectRecordForm.base_fields["kind"]
    channel = SubjectRecordForm.base_fields["channel"]
    received_on = SubjectRecordForm.base_fields["received_on"]
    details = SubjectRecordForm.base_fields["details"]

    class Meta:
        model = SubjectRequest
        fields = ["kind", "channel", "details"]

    def clean_received_on(self) -> dt.date:
        return _not_in_the_future(self.cleaned_data["received_on"])


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label="Utfall",
        max_length=300,
        error_messages={"required": "Skriv kort hva utfallet ble."},
        help_text="Kort og uten personopplysninger, for eksempel «Innsyn sendt på e-post» "
        "eller «Opplysningene er rettet».",
        widget=forms.TextInput(attrs={"size": 80}),
    )


class ExtendForm(forms.Form):
    to = forms.DateField(
        label="Ny frist",
        widget=forms.DateInput(format=DATE),
        error_messages={"required": "Skriv den nye fristen (dd.mm.åååå)."},
    )
    reason = forms.CharField(
        label="Hvorfor forlenges fristen?",
        max_length=300,
        error_messages={"required": "Skriv hvorfor fristen forlenges."},
        help_text="For eksempel at forespørselen er omfattende eller at det er mange "
        "forespørsler (art. 12 nr. 3). Den registrerte skal få vite om forlengelsen og "
        "hvorfor innen den første fristen.",
        widget=forms.TextInput(attrs={"size": 80}),
    )
    told_on = forms.DateField(
        label="Dato den registrerte fikk vite",
        widget=forms.DateInput(format=DATE),
        error_messages={"required": "Skriv datoen den registrerte fikk vite (dd.mm.åååå)."},
    )
    told_how = forms.CharField(
        label="Slik fikk den registrerte vite",
        max_length=200,
        error_messages={"required": "Skriv hvordan den registrerte fikk vite."},
        help_text="For eksempel «e-post til adressen i forespørselen» eller «telefon».",
        widget=forms.TextInput(attrs={"size": 80}),
    )

    def __init__(self, *args, latest: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "to"
        ].help_text = (
            f"Fristen kan forlenges én gang, med inntil to måneder: senest {latest:{DATE}}."
        )


class SubjectSearchForm(forms.Form):
    email = forms.EmailField(label="E-post", required=False)
    phone = forms.CharField(label="Telefon", required=False, max_length=30)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email") and not cleaned.get("phone"):
            raise forms.ValidationError("Skriv inn en e-postadresse eller et telefonnummer.")
        if cleaned.get("phone") and phone_numbers.for_search(cleaned["phone"]) is None:
            self.add_error("phone", "Telefonnummeret kunne ikke leses.")
        return cleaned


class WithdrawalForm(forms.Form):
    channel = forms.ChoiceField(
        label="Hvordan ble samtykket trukket tilbake?", choices=WithdrawalChannel.choices
    )


class ChangesSinceForm(forms.Form):
    siden = forms.DateField(
        label="Trukket tilbake eller reservert siden",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Velg en dato.",
            "invalid": "Skriv datoen som dd.mm.åååå.",
        },
    )


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label="Hvorfor begrenses behandlingen?",
        max_length=restriction.REASON_MAX_LENGTH,
        error_messages={"required": "Skriv hvorfor behandlingen begrenses."},
        help_text="For eksempel: den registrerte bestrider at opplysningene er riktige "
        "(art. 18 nr. 1 bokstav a), eller vil ikke ha dem slettet, men begrenset.",
        widget=forms.TextInput(attrs={"size": 80}),
    )


class EnquiryAdminForm(forms.ModelForm):
    """The change form: shows by their fields what the services would refuse (a change
    a restriction forbids, a status the quarantine's rule forbids, a legal hold without a
    reason and a review date, a contact time to come), with the input kept; releasing a
    hold clears both. The services refuse the same on save (contacts/inbox/triage.py)."""

    class Meta:
        model = Enquiry
        fields = [
            "name",
            "company",
            "email",
            "phone",
            "message",
            "status",
            "assignee",
            "legal_hold_reason",
            "legal_hold_review_on",
            "contacted_at",
        ]

    def clean_contacted_at(self):
        at = self.cleaned_data["contacted_at"]
        if "contacted_at" not in self.changed_data or not self.instance.pk:
            return at
        if self.instance.is_restricted:
            raise ValidationError(RESTRICTED_MESSAGE, code="restricted")
        if at and (
            problem := contact.contact_time_problem(
                at=at, received_at=self.instance.received_at, now=timezone.now()
            )
        ):
            raise ValidationError(problem, code="contact_time")
        return at

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        before = self.instance.status if self.instance.pk else status
        if problem := triage.status_change_problem(before, status):
            raise ValidationError(problem, code="quarantine")
        return status

    def clean(self):
        cleaned = super().clean()
        changed = set(self.changed_data)
        if self.instance.pk and self.instance.is_restricted and changed & triage.RESTRICTED_FIELDS:
            raise ValidationError(RESTRICTED_MESSAGE, code="restricted")
        reason = (cleaned.get("legal_hold_reason") or "").strip()
        if not reason:
            cleaned["legal_hold_review_on"] = None
        elif changed & {"legal_hold_reason", "legal_hold_review_on"} and (
            "legal_hold_review_on" not in self.errors
        ):
            problem = triage.legal_hold_problem(
                reason=reason,
                review_on=cleaned.get("legal_hold_review_on"),
                today=timezone.localdate(),
            )
            if problem:
                self.add_error("legal_hold_review_on", problem)
        return cleaned


class LiftForm(forms.Form):
    """How the person learns that the restriction is lifted (art. 18(3))."""

    told = forms.ChoiceField(
        label="Hvordan får den registrerte vite at begrensningen oppheves?",
        choices=[
            (LiftTold.SITE_EMAIL, "Send en kort e-post fra nettstedet til henvendelsens adresse"),
            (LiftTold.OTHER, "Den registrerte har fått vite på annen måte (skriv hvordan)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvordan den registrerte får vite det."},
    )
    told_how = forms.CharField(
        label="Slik fikk den registrerte vite",
        max_length=200,
        required=False,
        help_text="For eksempel «telefon 3. desember».",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def clean(self):
        data = super().clean()
        if data.get("told") == LiftTold.OTHER and not data.get("told_how", "").strip():
            self.add_error("told_how", "Skriv hvordan den registrerte fikk vite det.")
        return data
