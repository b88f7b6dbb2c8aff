"""The forms of "Dine opplysninger": the address to send a link to, and a correction."""

from __future__ import annotations

from django import forms

from contacts.fields import CanonicalEmailField, no_control_characters

CORRECTION_MAX_LENGTH = 1000


class _FocusFirstError(forms.Form):
    def full_clean(self) -> None:
        super().full_clean()
        # Without JavaScript, autofocus is how focus reaches the field to correct.
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs.update({"autofocus": True, "aria-invalid": "true"})
                break


class LinkRequestForm(_FocusFirstError):
    email = CanonicalEmailField(
        label="E-postadresse",
        max_length=254,
        error_messages={
            "required": "Skriv inn e-postadressen du brukte i kontaktskjemaet.",
            "invalid": "Skriv inn en gyldig e-postadresse, for eksempel navn@firma.no.",
            "max_length": "E-postadressen kan ikke være lengre enn 254 tegn.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "class": "form-control"}),
    )


class CorrectionForm(_FocusFirstError):
    text = forms.CharField(
        label="Hva er feil, og hva skal det stå?",
        max_length=CORRECTION_MAX_LENGTH,
        error_messages={
            "required": "Skriv hva som skal rettes.",
            "max_length": f"Skriv høyst {CORRECTION_MAX_LENGTH} tegn.",
        },
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )

    def clean_text(self) -> str:
        value = self.cleaned_data["text"]
        no_control_characters(value, allow_newlines=True)
        return value
