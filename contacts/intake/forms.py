"""The callback form: fields, consent labels, the signed form token and the spam traps."""

from __future__ import annotations

import enum
import time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from contacts import phone as phone_numbers
from contacts.fields import CanonicalEmailField, SingleLineField, no_control_characters
from contacts.intake.shown import build_submission, consent_labels, information
from contacts.intake.submission import Submission
from contacts.intake.tokens import (
    FormToken,
    fresh_form_token,
    read_token,
    shown_notice,
    too_fast,
)
from contacts.models import FormLocation
from pagecache import PerReader
from privacy.registry import Notice, get_registry


class Outcome(enum.Enum):
    STORE = "store"  # valid: store it
    SPAM = "spam"  # a bot: thank it as if stored, store nothing
    # Valid, but sent faster than a person fills the form (a bot, or a browser's autofill):
    # thank it as if stored, and keep it apart for staff (contacts/intake/quarantine.py).
    QUARANTINE = "quarantine"
    RESEND = "resend"  # the token was stale or unreadable: show the form again, fresh token
    INVALID = "invalid"  # field errors: show them


REQUIRED_CONSENT_ERRORS = {
    "enquiry": "Vi trenger samtykket ditt for å lagre opplysningene og kontakte deg.",
}


def trips_honeypot(data) -> bool:
    """The hidden field filled in: a bot. Read from the posted data before the form is even
    built, and answered before the rate limit counts it, so that a flood of bots costs
    little."""
    return bool(data.get("website"))


class EnquiryForm(forms.Form):
    name = SingleLineField(
        label="Navn",
        max_length=100,
        error_messages={"required": "Skriv inn navnet ditt."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    company = SingleLineField(
        label="Firma (valgfritt)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = CanonicalEmailField(
        label="E-postadresse",
        max_length=254,
        error_messages={
            "required": "Skriv inn e-postadressen din.",
            "invalid": "Skriv inn en gyldig e-postadresse, for eksempel navn@firma.no.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = SingleLineField(
        label="Telefonnummer",
        max_length=30,
        error_messages={"required": "Skriv inn telefonnummeret ditt."},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
    )
    message = forms.CharField(
        label="Melding (valgfritt)",
        max_length=2000,
        required=False,
        help_text="Fortell gjerne kort hva det gjelder. Høyst 2000 tegn.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The consent boxes are added per notice version: see `_ask_declared_consents`.
    # The honeypot: hidden from people by CSS, labelled for screen readers, filled by bots.
    website = forms.CharField(
        label="Ikke fyll ut dette feltet",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Where the form stood (evidence of what was shown around it); set by the page.
    location = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        notice: Notice | None = None,
        location: str = "",
        preview: Notice | None = None,
        token: tuple[FormToken | None, str | None] | None = None,
        **kwargs,
    ) -> None:
        """`token`: `read_token`'s answer for the posted token, when the caller has read
        it already (the view, before the rate limit); else the form reads it."""
        super().__init__(*args, **kwargs)
        # Staff previewing a draft: its token may name that draft, which is not published.
        self.preview = preview
        if location:
            self.initial["location"] = location
        # Unbound: a fresh token for the version in force. Bound: the version it names.
        self.token_data: FormToken | None = None
        self.token_problem: str | None = None
        self.fill_seconds: float | None = None  # from the form shown to this post
        if not self.is_bound:
            notice = notice or get_registry().in_force()
            self.initial["token"] = FormToken.issue(notice).sign()
        else:
            self._read_token(token)
            notice = self._shown_notice() or get_registry().in_force()
        self._ask_declared_consents(notice)

    def _ask_declared_consents(self, notice: Notice) -> None:
        """The consent boxes and the information text of `notice`, as it declares them:
        the form follows the version the visitor was shown."""
        self.notice = notice
        self.labels = consent_labels(notice)
        self.information = information(notice)
        for name in [n for n in self.fields if n.startswith("consent_")]:
            del self.fields[name]
        for request in notice.declarations.form.consents:
            self.fields[f"consent_{request.purpose}"] = forms.BooleanField(
                label=self.labels[request.purpose].html,
                required=request.required,
                error_messages={
                    "required": REQUIRED_CONSENT_ERRORS.get(
                        request.purpose, "Kryss av her for å sende skjemaet."
                    )
                },
            )
        self.order_fields(["name", "company", "email", "phone", "message"])
        self.helper = self._helper()

    @property
    def consent_purposes(self) -> list[str]:
        return [c.purpose for c in self.notice.declarations.form.consents]

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            "name",
            "company",
            "email",
            "phone",
            "message",
            *(Field(f"consent_{purpose}") for purpose in self.consent_purposes),
            Div("website", css_class="form-trap"),
            "token",
            "location",
        )
        return helper

    def _read_token(self, read: tuple[FormToken | None, str | None] | None) -> None:
        self.token_data, self.token_problem = read or read_token(self.data.get("token", ""))
        if self.token_data is not None:
            self.fill_seconds = time.time() - self.token_data.issued_at

    def _shown_notice(self) -> Notice | None:
        return shown_notice(self.token_data, self.preview)

    def clean_phone(self) -> str:
        e164 = phone_numbers.for_storage(self.cleaned_data["phone"])
        if e164 is None:
            raise ValidationError(
                "Skriv inn et gyldig telefonnummer, for eksempel 912 34 567 eller +47 912 34 567.",
                code="invalid",
            )
        return e164

    def clean_message(self) -> str:
        value = self.cleaned_data["message"]
        no_control_characters(value, allow_newlines=True)
        return value

    def clean_location(self) -> str:
        # Not the visitor's to correct: an unknown value is recorded as unknown.
        value = self.cleaned_data["location"]
        return value if value in FormLocation.values else ""

    def clean(self):
        cleaned = super().clean()
        if self.token_problem or self._shown_notice() is None:
            problem = self.token_problem or "invalid"
            self.token_problem = problem
            raise ValidationError(
                "Skjemaet var for gammelt, så vi har lastet det inn på nytt. "
                "Se over og send igjen."
                if problem == "expired"
                else "Skjemaet kunne ikke leses. Se over opplysningene og send igjen.",
                code=f"token_{problem}",
            )
        return cleaned

    @property
    def trips_honeypot(self) -> bool:
        return trips_honeypot(self.data)

    @property
    def token_usable(self) -> bool:
        """The token is signed by us, young enough, and names a version that may be shown:
        known before any field is validated."""
        return self.token_problem is None and self._shown_notice() is not None

    @property
    def sent_too_fast(self) -> bool:
        """Sent faster than a person fills the form in, by its token's time (a usable token
        only): a bot's, or a browser's autofill. Known before any field is validated."""
        return self.token_usable and too_fast(self.fill_seconds)

    def outcome(self) -> Outcome:
        """What the view should do with this post. After STORE and QUARANTINE,
        `submission()` has it all; after QUARANTINE, `quarantine_reason` says why."""
        if self.trips_honeypot:
            return Outcome.SPAM
        if not self.is_valid():
            if self.token_problem:
                self._reissue_token()
                return Outcome.RESEND
            return Outcome.INVALID
        if self.sent_too_fast:
            return Outcome.QUARANTINE  # filled in faster than a person can
        return Outcome.STORE

    @property
    def quarantine_reason(self) -> str:
        """Why the post went to quarantine, for staff: the times only, nothing it said."""
        seconds = max(0, int(self.fill_seconds))
        minimum = settings.CONTACTS_MIN_FILL_SECONDS
        unit = "sekund" if seconds == 1 else "sekunder"
        return f"Sendt {seconds} {unit} etter at skjemaet ble vist (minst {minimum})"

    def submission(self) -> Submission:
        data = self.cleaned_data
        return build_submission(
            notice=self.notice,
            nonce=self.token_data.nonce,
            consents={p: data[f"consent_{p}"] for p in self.consent_purposes},
            location=data["location"],
            **{name: data[name] for name in ("name", "company", "email", "phone", "message")},
        )

    @property
    def has_field_errors(self) -> bool:
        return any(name in self.errors for name in self.fields)

    def full_clean(self) -> None:
        super().full_clean()
        # Without JavaScript, autofocus is how focus reaches the first field to correct.
        first_invalid = next((name for name in self.fields if name in self.errors), None)
        if first_invalid:
            self.fields[first_invalid].widget.attrs["autofocus"] = True

    def _reissue_token(self) -> None:
        """After a token problem: a fresh token for the version in force, input kept; the
        boxes and text are that version's (they differ if the old token was from before a
        new version took effect)."""
        notice = self.preview or get_registry().in_force()
        data = self.data.copy()
        data["token"] = FormToken.issue(notice).sign()
        self.data = data
        self._ask_declared_consents(notice)


def _mark_form_token(context: dict) -> None:
    form = context.get("form")
    if isinstance(form, EnquiryForm) and not form.is_bound:
        form.initial["token"] = FORM_TOKEN.marker


# The callback form's token is per reader: a page that shows a blank form and is shared
# between readers (pagecache) declares it, and each reader gets a token of their own.
FORM_TOKEN = PerReader(
    marker="\x00contacts:form-token\x00",
    mark=_mark_form_token,
    fresh=lambda request: fresh_form_token(),
)
