"""Keyed hashes that let the site recognise a person or a form again without keeping
what identifies them: an e-mail address (the marketing suppression list, subject
requests, the per-address rate limit) and a form's nonce (erasure records that survive a
restore).

The key is `PILARO_PERSON_HASH_KEY`, never the secret key: rotating `DJANGO_SECRET_KEY`
must not orphan the suppression list and let marketing reach someone who objected. It is
required in production (contacts.E020); without it nothing is hashed at all.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from common.emails import normalised_email


def keyed(purpose: str, value: str) -> str:
    if not settings.CONTACTS_PERSON_HASH_KEY:
        raise ImproperlyConfigured("PILARO_PERSON_HASH_KEY is not set (required in production)")
    key = (settings.CONTACTS_PERSON_HASH_KEY + ":" + purpose).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def person_key(email: str) -> str:
    return keyed("person", normalised_email(email))


def nonce_key(nonce: str) -> str:
    return keyed("nonce", nonce)
