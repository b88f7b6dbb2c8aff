"""The callback form's signed token: which notice version the form showed, when it was
issued (the minimum fill time), and a one-time nonce (a replay stores nothing more)."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from privacy.registry import Notice, get_registry

TOKEN_SALT = "contacts.enquiry-form"


@dataclass(frozen=True)
class FormToken:
    """What the signed hidden field carries: the notice version shown, when, and a nonce."""

    notice_version: str
    issued_at: float
    nonce: str

    @classmethod
    def issue(cls, notice: Notice) -> FormToken:
        return cls(notice.version, time.time(), secrets.token_urlsafe(24))

    def sign(self) -> str:
        payload = {"v": self.notice_version, "t": self.issued_at, "n": self.nonce}
        return signing.dumps(payload, salt=TOKEN_SALT, compress=False)

    @classmethod
    def unsign(cls, value: str) -> FormToken:
        payload = signing.loads(
            value, salt=TOKEN_SALT, max_age=settings.CONTACTS_FORM_MAX_AGE_SECONDS
        )
        return cls(str(payload["v"]), float(payload["t"]), str(payload["n"]))


def fresh_form_token() -> str:
    """A signed token for a new blank form, naming the notice version in force."""
    return FormToken.issue(get_registry().in_force()).sign()
