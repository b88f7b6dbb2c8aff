"""The person's session on "Dine opplysninger": opened by a used link, scoped to one address.

Sessions are server-side (Django's database sessions): the browser holds only a random
key. The address is kept in the session's data under one key of its own, with the keyed
hash it must match and the time the session lapses; nothing here makes anyone a user, so
it grants nothing in the admin, and a staff login grants nothing here. Opening it cycles
the session key (no fixation); it lapses after `CONTACTS_SELF_SERVICE_SESSION_MINUTES`
without activity, and ending it removes the address at once.
"""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from contacts.retention.keys import person_key

KEY = "selfservice"


def _lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=settings.CONTACTS_SELF_SERVICE_SESSION_MINUTES)


def start(request: HttpRequest, address: str) -> None:
    """Open the session for this address (a link for it was just used)."""
    request.session.cycle_key()
    request.session[KEY] = {
        "address": address,
        "person": person_key(address),
        "until": (timezone.now() + _lifetime()).isoformat(),
    }
    if not request.user.is_authenticated:
        # The whole session is the person's: the cookie lapses with it.
        request.session.set_expiry(int(_lifetime().total_seconds()))


def address(request: HttpRequest) -> str | None:
    """The address whose data this request may see and act on; None when no session is
    open or it has lapsed. Each request it answers keeps the session open longer."""
    data = request.session.get(KEY)
    if not isinstance(data, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(data["until"])
        current, expected = data["address"], data["person"]
    except (KeyError, TypeError, ValueError):
        end(request)
        return None
    if until <= timezone.now() or not hmac.compare_digest(person_key(current), expected):
        end(request)
        return None
    data["until"] = (timezone.now() + _lifetime()).isoformat()
    request.session.modified = True
    return current


def say(request: HttpRequest, text: str) -> None:
    """A line for the next page of the session to show once (what was just done)."""
    if isinstance(request.session.get(KEY), dict):
        request.session[KEY]["said"] = text
        request.session.modified = True


def said(request: HttpRequest) -> str:
    data = request.session.get(KEY)
    if not isinstance(data, dict) or "said" not in data:
        return ""
    request.session.modified = True
    return data.pop("said")


def end(request: HttpRequest) -> None:
    """Close the person's session: the address is gone from it."""
    if KEY in request.session:
        del request.session[KEY]
    if not request.user.is_authenticated:
        request.session.flush()
