"""How long a staff session lasts: STAFF_IDLE_MINUTES without a request, and
STAFF_SESSION_MAX_HOURS after the login whatever happens; and ending a user's sessions.

Sessions are in the database, so ending one deletes its row: the old cookie opens nothing.
"""

from __future__ import annotations

import time
from enum import Enum

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.utils import timezone

LOGIN_AT = "staff_login_at"
SEEN_AT = "staff_seen_at"
# Last-seen is written at most this often: a save per request would be a write per admin
# request, and would race with a passkey ceremony's state saved by a parallel request. So
# an idle session may end up to this many seconds early, never late.
SEEN_RESOLUTION_SECONDS = 60


class Expiry(Enum):
    IDLE = "idle"
    TOO_OLD = "too_old"


def start_clock(sender=None, request=None, **kwargs) -> None:
    """At the password login (user_logged_in): the session's clocks start now, and its
    cookie (and row) lasts no longer than the session may: STAFF_SESSION_MAX_HOURS."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now
        request.session.set_expiry(settings.STAFF_SESSION_MAX_HOURS * 3600)


def check(session: SessionBase) -> Expiry | None:
    """Whether the session has run out; if not, record this request as activity."""
    now = int(time.time())
    login_at = session.setdefault(LOGIN_AT, now)  # a session from before this code
    seen_at = session.get(SEEN_AT, now)
    if now - login_at > settings.STAFF_SESSION_MAX_HOURS * 3600:
        return Expiry.TOO_OLD
    if now - seen_at > settings.STAFF_IDLE_MINUTES * 60:
        return Expiry.IDLE
    if SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
    return None


def end_sessions(user: AbstractBaseUser) -> int:
    """Delete every live session of `user`; how many there were."""
    ended = 0
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
