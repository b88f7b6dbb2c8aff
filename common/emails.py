"""One canonical form of an e-mail address, so that one comparison holds everywhere: the
self-service lookup, staff search, the suppression list, rate-limit keys and the keyed
hashes of addresses.

email-validator does the work: the domain Unicode-normalised, IDNA-encoded and
lowercased (so `ceo@gmaıl.com`, with a dotless i, stays `ceo@xn--gmal-nza.com` and is never
the same person as `ceo@gmail.com`, which PostgreSQL's UPPER() would have made it), the
local part lowercased. Local parts with characters outside ASCII are refused: not every
mail server delivers to them, and their case rules are a guess.
"""

from __future__ import annotations


class NotAnAddress(ValueError):
    """`non_ascii` when only the characters before the @ are the trouble."""

    def __init__(self, message: str, *, non_ascii: bool = False) -> None:
        super().__init__(message)
        self.non_ascii = non_ascii


def canonical_email(address: str) -> str:
    """The address in its one canonical form; NotAnAddress if it is none."""
    # Imported on the first address, not when the models load: 35 ms of CPU in every
    # command, worker and server's start, and most of them never check an address.
    from email_validator import EmailNotValidError, validate_email

    local, _, _ = address.strip().rpartition("@")
    if not local.isascii():
        raise NotAnAddress("non-ASCII local part", non_ascii=True)
    try:
        found = validate_email(address.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise NotAnAddress("not an e-mail address") from None
    return f"{found.local_part.lower()}@{found.ascii_domain.lower()}"


def normalised_email(address: str) -> str:
    """The canonical form, or for text that is no address (a search, an old row) the
    nearest thing: trimmed and lowercased. Never raises."""
    try:
        return canonical_email(address)
    except NotAnAddress:
        return address.strip().lower()
