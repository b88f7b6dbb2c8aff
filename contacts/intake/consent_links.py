"""A marketing consent's own links: the one that confirms it (double opt-in,
contacts/intake/confirmation.py) and the one that withdraws it in one click
(contacts/rights/withdrawal.py). No login, no expiry while the consent exists.

A link is the consent's number and a signature: a keyed hash of the number, the
enquiry's form nonce and what the link does. The nonce binds it to that one submission,
so a number a restore hands to another consent does not make an old link work on it.
The key is the person hash key (contacts.retention.keys), not the secret key: rotating
that must not break links already in people's inboxes.
"""

from __future__ import annotations

import hmac

from common.urls import absolute_reverse
from contacts.models import Consent, ConsentPurpose
from contacts.retention.keys import keyed

CONFIRM = "confirmation"
WITHDRAW = "withdrawal"
# The URL names of the pages each link opens (contacts/rights/selfservice/urls.py).
URL_NAMES = {CONFIRM: "selfservice:confirm", WITHDRAW: "selfservice:one_click"}
TOKEN_LENGTH = 40
TOKEN_PATTERN = rf"[0-9a-f]{{{TOKEN_LENGTH}}}"


def token(action: str, consent_id: int, form_nonce: str) -> str:
    return keyed(f"{action}-link", f"{consent_id}:{form_nonce}")[:TOKEN_LENGTH]


def link(action: str, consent_id: int, form_nonce: str) -> str:
    """The absolute link: for e-mails, the CSV export and a List-Unsubscribe header."""
    signature = token(action, consent_id, form_nonce)
    return absolute_reverse(URL_NAMES[action], args=[consent_id, signature])


def consent_for(action: str, consent_id: int, signature: str) -> Consent | None:
    """The marketing consent a link names, if the link is one we made for `action`."""
    consent = (
        Consent.objects.select_related("enquiry")
        .filter(pk=consent_id, purpose=ConsentPurpose.MARKETING, given=True)
        .first()
    )
    if consent is None:
        return None
    expected = token(action, consent.pk, consent.enquiry.form_nonce)
    return consent if hmac.compare_digest(expected, signature) else None
