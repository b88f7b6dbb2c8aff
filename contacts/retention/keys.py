"""Keyed hashes that let the site recognise a person or a form again without keeping
what identifies them: an e-mail address (the marketing suppression list, subject
requests, the per-address rate limit) and a form's nonce (erasure records that survive a
restore).

The key is `PILARO_PERSON_HASH_KEY` (falling back to the secret key): set it on its own
in production, so that rotating `DJANGO_SECRET_KEY` does not orphan the suppression list
and let marketing reach someone who objected.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def _keyed(purpose: str, value: str) -> str:
    key = (settings.CONTACTS_PERSON_HASH_KEY + ":" + purpose).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalised_email(email: str) -> str:
    """One address, however it was typed: surrounding space and case do not matter."""
    return email.strip().lower()


def person_key(email: str) -> str:
    return _keyed("person", normalised_email(email))


def nonce_key(nonce: str) -> str:
    return _keyed("nonce", nonce)
