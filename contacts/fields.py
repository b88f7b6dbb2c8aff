"""Form fields for text typed by visitors: one line means one line, and no control
characters (they hide text from staff and can inject mail headers)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from common.emails import NotAnAddress, canonical_email


def no_control_characters(value: str, *, allow_newlines: bool = False) -> None:
    if "\ufffd" in value:
        # What Django makes of bytes that are not UTF-8: the text as sent cannot be read,
        # and a stored "\ufffd" would be a guess at it.
        raise ValidationError(
            "Feltet inneholder tegn som ikke kunne leses. Skriv det inn på nytt.",
            code="encoding",
        )
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed for ch in value):
        if not allow_newlines and ("\n" in value or "\r" in value):
            raise ValidationError("Feltet kan ikke inneholde linjeskift.", code="newline")
        raise ValidationError("Feltet inneholder tegn som ikke er tillatt.", code="control")


class SingleLineField(forms.CharField):
    """A one-line text: no newlines (header injection) and no control characters."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        no_control_characters(value)
        return value


NON_ASCII_LOCAL_PART = (
    "Vi kan bare bruke e-postadresser med vanlige bokstaver (a–z), tall og tegn som . - _ + "
    "foran @. Bruk en annen adresse, eller skriv til oss."
)


class CanonicalEmailField(forms.EmailField):
    """An e-mail address, cleaned to its one canonical form (common/emails.py). An address
    with æ, ø, å or other non-ASCII characters before the @ is refused with its own
    message; anything else that is no address gets the field's "invalid" message."""

    default_validators = []  # email-validator decides, not Django's pattern

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return canonical_email(value)
        except NotAnAddress as problem:
            if problem.non_ascii:
                raise ValidationError(NON_ASCII_LOCAL_PART, code="non_ascii") from None
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
