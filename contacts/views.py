"""The callback form's pages: the form, the thank-you page, and the rate-limit answer."""

from __future__ import annotations

import hashlib
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from contacts.forms import EnquiryForm
from contacts.models import ConsentPurpose
from contacts.services import submit_enquiry
from privacy.models import NoticeVersion

logger = logging.getLogger(__name__)


def client_key(group: str, request: HttpRequest) -> str:
    """The rate-limit key: a keyed hash of the client address, never the address itself."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CONTACTS_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _rate(group: str, request: HttpRequest) -> str:
    return settings.CONTACTS_RATE_LIMIT


def _over_the_limit(request: HttpRequest) -> bool:
    """Count this POST against its client's limit. If the cache is down, let it through:
    losing a real enquiry is worse than a few minutes without a rate limit."""
    try:
        return is_ratelimited(
            request,
            group="contacts.contact",
            key=client_key,
            rate=_rate,
            method="POST",
            increment=True,
        )
    except Exception as exc:  # the cache backend's own connection errors vary by backend
        logger.error("Callback form: rate limit cache unavailable (%s)", type(exc).__name__)
        return False


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = render(
            request, "contacts/contact.html", {"form": EnquiryForm(), "section": "contact"}
        )
        # Same for every anonymous reader on a given day, but for the tokens.
        response.anonymous_page_cache = response.anonymous_page_tokens = True
        return response
    if _over_the_limit(request):
        logger.warning("Callback form: rate limit reached")
        return render(request, "contacts/too_many.html", status=429)

    if request.POST.get("website"):
        # The honeypot: answered before any validation, so a flood of bots costs little.
        logger.info("Callback form: spam trap tripped, nothing stored")
        return _see_other(reverse("contacts:thanks"))
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        status = 200
        if form.token_problem:
            form.reissue_token()
            status = 400
        return render(
            request, "contacts/contact.html", {"form": form, "section": "contact"}, status=status
        )
    if form.is_spam:
        logger.info("Callback form: spam trap tripped, nothing stored")
        return _see_other(reverse("contacts:thanks"))

    data = form.cleaned_data
    try:
        notice_version = NoticeVersion.objects.for_notice(form.notice)
        enquiry = submit_enquiry(
            name=data["name"],
            company=data["company"],
            email=data["email"],
            phone=data["phone"],
            message=data["message"],
            marketing=data["consent_marketing"],
            labels={purpose: form.labels[purpose][1] for purpose in ConsentPurpose.values},
            notice_version=notice_version,
            nonce=form.token_data.nonce,
        )
    except DatabaseError as exc:
        # The class only: a database error's text can quote the row, personal data and all.
        logger.error("Callback form: database error (%s); nothing stored", type(exc).__name__)
        return render(request, "503.html", status=503)
    if enquiry is None:
        logger.info("Callback form: a repeated submission of one form, nothing more stored")
    return _see_other(reverse("contacts:thanks"))


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    response = render(request, "contacts/thanks.html", {"section": "contact"})
    response.anonymous_page_cache = True
    return response
