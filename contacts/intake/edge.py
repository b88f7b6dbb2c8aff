"""The callback form's cheapest refusals, before the rest of the middleware: a bot's post
gets the thank-you page's redirect at once, as the view would give it, without a
session, a CSRF check, a user, the form or the view itself. Nothing is stored either way.

- The hidden field filled: a bot.
- Sent faster than a person fills the form in (by its token's time) while the hour's
  quarantine is full: the view would discard it too; here it costs one count, and during
  a flood not even that (the count's "full" is remembered for a second, `FULL_REMEMBERED`).

It stands after the middleware that bounds the body and adds the security headers on the
way out (pilaro_site/settings.py), so the answer carries them like any other."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from contacts.intake import quarantine
from contacts.intake.forms import trips_honeypot
from contacts.intake.tokens import sent_too_fast

logger = logging.getLogger(__name__)


# Once a count finds the hour full, this process takes it as full for this long without
# counting again: a flood of too fast posts costs one count a second per process, not one
# each. A place freed meanwhile (an hour-old post ageing out, staff letting one in) is
# seen at most this late, and only by a too fast post, which is then discarded as it would
# have been a moment earlier. "Room left" is never remembered: `quarantine.hold` counts
# again, exactly, under its lock.
FULL_REMEMBERED = dt.timedelta(seconds=1)
_full_until: dt.datetime | None = None


def forget() -> None:
    """Count again at the next too fast post (tests: one test's full hour is not the next's)."""
    global _full_until
    _full_until = None


def _quarantine_full() -> bool:
    """If the database cannot answer, the post goes on, and the view answers it (503) as
    it answers any post then."""
    global _full_until
    now = timezone.now()
    if _full_until is not None and now < _full_until:
        return True
    try:
        full = not quarantine.has_room(now)
    except DatabaseError as exc:
        logger.error("Callback form: database error (%s) counting quarantine", type(exc).__name__)
        return False
    _full_until = now + FULL_REMEMBERED if full else None
    return full


def _refusal(post) -> tuple[int, str] | None:
    """Why this post is thanked and discarded here (a log level and line), or None: it
    goes on to the view."""
    if trips_honeypot(post):
        return logging.INFO, "Callback form: spam trap tripped, nothing stored"
    if sent_too_fast(post) and _quarantine_full():
        return logging.WARNING, (
            "Callback form: quarantine full for this hour, a too fast post discarded"
        )
    return None


def refuse_bot_posts(get_response: Callable[[HttpRequest], HttpResponse]):
    form_path = reverse("contacts:contact")
    thanks = reverse("contacts:thanks")

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path_info != form_path:
            return get_response(request)
        refusal = _refusal(request.POST)
        if refusal is None:
            return get_response(request)
        logger.log(*refusal)
        response = HttpResponse(status=303)
        response["Location"] = thanks
        return response

    return middleware
