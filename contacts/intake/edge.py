"""The callback form's cheapest refusal, before the rest of the middleware: a post with
the hidden field filled (a bot) gets the thank-you page's redirect at once, as the view
would give it, without a session, a CSRF check, a user or the view itself.

It stands after the middleware that bounds the body and adds the security headers on the
way out (pilaro_site/settings.py), so the answer carries them like any other."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from contacts.intake.forms import trips_honeypot

logger = logging.getLogger(__name__)


def refuse_trapped_posts(get_response: Callable[[HttpRequest], HttpResponse]):
    form_path = reverse("contacts:contact")
    thanks = reverse("contacts:thanks")

    def middleware(request: HttpRequest) -> HttpResponse:
        trapped = (
            request.method == "POST"
            and request.path_info == form_path
            and trips_honeypot(request.POST)
        )
        if not trapped:
            return get_response(request)
        logger.info("Callback form: spam trap tripped, nothing stored")
        response = HttpResponse(status=303)
        response["Location"] = thanks
        return response

    return middleware
