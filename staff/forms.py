from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    """One field for a code: six digits from an authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Kode",
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, label: str = "Kode", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()
