"""Form fields for text typed by visitors: one line means one line, and no control
characters (they hide text from staff and can inject mail headers)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError


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
