"""The staff forms for subject requests: recording one (on the data-subject page, or the
admin's add page where the address is typed), completing one, extending its deadline."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from contacts.models import SubjectRequest, SubjectRequestChannel, SubjectRequestKind

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
        widget=forms.DateInput(format="%d.%m.%Y"),
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
        widget=forms.DateInput(format="%d.%m.%Y"),
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

    def __init__(self, *args, latest: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "to"
        ].help_text = (
            f"Fristen kan forlenges én gang, med inntil to måneder: senest {latest:%d.%m.%Y}."
        )
