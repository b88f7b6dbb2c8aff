"""The callback form's pages: the form, the thank-you page, and the rate-limit answer."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from common import limits
from common.clients import client_key
from contacts.intake import quarantine, submission
from contacts.intake.forms import FORM_TOKEN, EnquiryForm, Outcome
from contacts.intake.tokens import read_token, shown_notice
from contacts.models import Enquiry, FormLocation
from pagecache import shared_page, shared_render

logger = logging.getLogger(__name__)

RATE_GROUP = "contacts.contact"


def _over_the_limit(request: HttpRequest) -> bool:
    """Count this POST against its client's limit. If the counters cannot be reached, let
    it through: losing a real enquiry is worse than a few minutes without a rate limit."""
    try:
        return limits.over_rate(
            RATE_GROUP, client_key(RATE_GROUP, request), settings.CONTACTS_RATE_LIMIT
        )
    except Exception as exc:  # the store's own connection errors vary (database, Redis)
        logger.error("Callback form: rate limit store unavailable (%s)", type(exc).__name__)
        return False


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _form_page(request: HttpRequest, form: EnquiryForm, status: int = 200) -> HttpResponse:
    context = {"form": form, "section": "contact"}
    return TemplateResponse(request, "contacts/contact.html", context, status=status)


@shared_page(per_reader=[FORM_TOKEN])
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, EnquiryForm(location=FormLocation.CONTACT_PAGE))
    # In order of cost, the cheapest refusal first. Before the session, the CSRF check and
    # this view (contacts/intake/edge.py): the hidden field, then a post sent too fast while
    # the hour's quarantine is full. Here: the token's signature and age, then the rate
    # limit's write (both before the form is built), then the fields.
    # A post whose token cannot be used is answered with the form again (400) and uses
    # up none of the client's posts.
    # The token is read once, here, and handed to the form.
    read = read_token(request.POST.get("token", ""))
    if shown_notice(read[0]) is not None and _over_the_limit(request):
        logger.warning("Callback form: rate limit reached")
        # The same page for every client over the limit: rendered once (pagecache).
        return shared_render(request, "contacts/too_many.html", status=429)

    form = EnquiryForm(request.POST, token=read)
    outcome = form.outcome()
    if outcome not in (Outcome.STORE, Outcome.QUARANTINE):
        # Field errors, or a token too old to use (a fresh one is in the form): 400 either
        # way, with the visitor's input kept and the errors in Norwegian by each field.
        return _form_page(request, form, status=400)

    try:
        enquiry = _store(form, outcome)
    except quarantine.QuarantineFull:
        logger.warning("Callback form: quarantine full for this hour, a too fast post discarded")
        return _see_other(reverse("contacts:thanks"))
    except DatabaseError as exc:
        # The class only: a database error's text can quote the row, personal data and all.
        logger.error("Callback form: database error (%s); nothing stored", type(exc).__name__)
        return render(request, "503.html", status=503)
    if enquiry is None:
        logger.info("Callback form: a repeated submission of one form, nothing more stored")
    return _see_other(reverse("contacts:thanks"))


def _store(form: EnquiryForm, outcome: Outcome) -> Enquiry | None:
    """Into the inbox, or, sent faster than a person fills the form, into quarantine (with
    the same thank-you page: a bot learns nothing, a person is not told they were fast)."""
    if outcome is Outcome.QUARANTINE:
        return quarantine.hold(submission=form.submission(), reason=form.quarantine_reason)
    return submission.submit_enquiry(submission=form.submission())


@shared_page()
@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "contacts/thanks.html", {"section": "contact"})
