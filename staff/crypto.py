"""Secrets at rest: authenticator-app keys encrypted with PILARO_FIELD_KEY, recovery codes
salted and hashed.

Encryption is cryptography's Fernet (AES-128-CBC with HMAC-SHA256, authenticated), through
MultiFernet: the first key of settings.STAFF_FIELD_KEYS encrypts, every key decrypts, and
rotate() re-encrypts a token under the first key (`manage.py rotate_field_key`).

Recovery codes are 16 characters of Crockford's base32 (80 random bits), stored as a salted
SHA-256 and compared with hmac.compare_digest. Not Django's password hashers: a typed code
does not say which stored code it is, so it is hashed against each of the user's codes, and
PBKDF2's million rounds would cost seconds per attempt while adding nothing to a random
80-bit secret (stretching protects guessable passwords, not these).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Crockford's base32: digits and letters without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 16 x 5 bits = 80 bits
GROUP = 4
# What people type for what they read: Crockford's decoding of look-alikes.
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n")


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.STAFF_FIELD_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value; cryptography.fernet.InvalidToken if no key of ours made it."""
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value, encrypted under the first key."""
    return _fernet().rotate(token.encode()).decode()


def new_recovery_code() -> str:
    """A new code as shown to the user: four groups of four, e.g. 7K3M-Q9TX-..."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise_code(typed: str) -> str:
    """A code as typed (any case, with or without separators) as it is hashed."""
    return typed.upper().translate(_SEPARATORS).translate(_LOOK_ALIKES)


def hash_code(code: str, salt: str | None = None) -> str:
    """ "sha256$<salt>$<hex digest>" of the normalised code, with a new salt if none given."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}${normalise_code(code)}".encode()).hexdigest()
    return f"sha256${salt}${digest}"


def code_matches(code: str, stored: str) -> bool:
    """Whether `code` is the one `stored` was made from, in constant time."""
    algorithm, _, rest = stored.partition("$")
    salt, _, _ = rest.partition("$")
    if algorithm != "sha256" or not salt:
        return False
    return hmac.compare_digest(hash_code(code, salt).encode(), stored.encode())
