"""The callback form's signed token: which notice version the form showed, when it was
issued (the minimum fill time), and a one-time nonce (a replay stores nothing more).

Every reader of a page with the blank form gets a token of their own, so issuing one is
on the path of the site's most read page. The token is therefore
`t1:<version>:<issued at>:<nonce>:<HMAC-SHA256 of the rest>`: the HMAC keyed with a key
derived once from the secret key (and each of SECRET_KEY_FALLBACKS, which still verify),
compared in constant time; a fraction of what Django's `signing.dumps` costs (JSON,
base64 twice, a key derived per call). A token Django's signer made (before this format)
is still read until it is CONTACTS_FORM_MAX_AGE_SECONDS old. Errors are `signing`'s own
(BadSignature, SignatureExpired), so callers see no difference.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils import timezone

from privacy.registry import Notice, get_registry

TOKEN_SALT = "contacts.enquiry-form"
_SEPARATOR = ":"
# This format's mark: Django's signed values start with base64 and never with it.
_FORMAT = "t1"


@functools.lru_cache(maxsize=8)
def _key(secret_key: str) -> bytes:
    return hashlib.sha256(f"{TOKEN_SALT}:{secret_key}".encode()).digest()


def _mac(secret_key: str, signed: str) -> str:
    digest = hmac.new(_key(secret_key), signed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


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
        fields = (_FORMAT, self.notice_version, repr(self.issued_at), self.nonce)
        signed = _SEPARATOR.join(fields)
        return f"{signed}{_SEPARATOR}{_mac(settings.SECRET_KEY, signed)}"

    @classmethod
    def unsign(cls, value: str) -> FormToken:
        if not value.startswith(_FORMAT + _SEPARATOR):  # Django's signer, before this format
            return cls._unsign_django(value)
        signed, _, mac = value.rpartition(_SEPARATOR)
        keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
        if not any(hmac.compare_digest(mac, _mac(key, signed)) for key in keys):
            raise signing.BadSignature("the form token's signature does not match")
        version, issued, nonce = signed.removeprefix(_FORMAT + _SEPARATOR).rsplit(_SEPARATOR, 2)
        token = cls(version, float(issued), nonce)
        if time.time() - token.issued_at > settings.CONTACTS_FORM_MAX_AGE_SECONDS:
            raise signing.SignatureExpired("the form token is too old")
        return token

    @classmethod
    def _unsign_django(cls, value: str) -> FormToken:
        payload = signing.loads(
            value, salt=TOKEN_SALT, max_age=settings.CONTACTS_FORM_MAX_AGE_SECONDS
        )
        return cls(str(payload["v"]), float(payload["t"]), str(payload["n"]))


@dataclass(frozen=True)
class _InForce:
    registry: object  # the registry it was read from (a test may point at another)
    notice: Notice | None
    since: float  # the day in Oslo it holds for, as Unix times
    until: float


_in_force: _InForce | None = None


def _notice_in_force() -> Notice | None:
    """The version in force, worked out once a day (the day is Oslo's)."""
    global _in_force
    now, registry, known = time.time(), get_registry(), _in_force
    if known is None or not known.since <= now < known.until or known.registry is not registry:
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(today, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        known = _InForce(registry, registry.in_force(today), start.timestamp(), end.timestamp())
        _in_force = known
    return known.notice


def fresh_form_token() -> str:
    """A signed token for a new blank form, naming the notice version in force."""
    return FormToken.issue(_notice_in_force()).sign()


def read_token(raw: str) -> tuple[FormToken | None, str | None]:
    """The form token posted, or why it cannot be read ("invalid", "expired")."""
    if len(raw) > 500:  # a real token is about 150 characters
        return None, "invalid"
    try:
        return FormToken.unsign(raw), None
    except signing.SignatureExpired:
        return None, "expired"
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, "invalid"


def shown_notice(token: FormToken | None, preview: Notice | None = None) -> Notice | None:
    """The notice version the token says the visitor was shown, if it may be shown: a
    published one, or on a draft's preview that draft."""
    if token is None:
        return None
    notice = get_registry().get(token.notice_version)
    if notice is not None and preview is not None:
        return notice if notice.version == preview.version else None
    return notice if notice is not None and notice.is_published else None


def too_fast(fill_seconds: float) -> bool:
    """Filled in faster than a person can: the one rule, for the form and the edge."""
    return fill_seconds < settings.CONTACTS_MIN_FILL_SECONDS


def sent_too_fast(data) -> bool:
    """A usable token, issued less than CONTACTS_MIN_FILL_SECONDS ago: faster than a
    person fills the form in (a bot's, or a browser's autofill). Read from the posted data
    alone, before the form is built (contacts/intake/edge.py); EnquiryForm.sent_too_fast
    says the same of a bound form."""
    token, _ = read_token(data.get("token", ""))
    if shown_notice(token) is None:
        return False
    return too_fast(time.time() - token.issued_at)
