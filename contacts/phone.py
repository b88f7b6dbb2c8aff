"""Phone numbers, read two ways on purpose.

The form stores a number only if it is a real, dialable number (`for_storage`): staff
will call it. A staff member searching for a person types whatever they have, perhaps a
number from an old letter or a foreign prefix we cannot validate; there a number that is
merely possible is good enough to look it up (`for_search`). Both give E.164, so a search
finds what the form stored however either was typed. Norway is the default country.
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "NO"


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_storage(text: str) -> str | None:
    """E.164 for a valid number (one that can be dialled), else None."""
    number = _parse(text)
    if number is None or not phonenumbers.is_valid_number(number):
        return None
    return _e164(number)


def for_search(text: str) -> str | None:
    """E.164 for anything shaped like a phone number (a possible number), else None."""
    number = _parse(text)
    if number is None or not phonenumbers.is_possible_number(number):
        return None
    return _e164(number)
