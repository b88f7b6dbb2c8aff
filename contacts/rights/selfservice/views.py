"""The public pages of "Dine opplysninger": asking for a link, the answer, the link itself,
and the schema of the JSON copy. The pages of the open session are in account.py.

Whatever is typed, the answer to a link request is the same page: whether we hold
anything for an address is told only to that address's inbox. Nothing here logs, stores
or redirects with the address.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from common import limits
from common.clients import client_key
from contacts.rights.selfservice import actions, links, session
from contacts.rights.selfservice.forms import LinkRequestForm
from contacts.rights.selfservice.portability import schema_text

logger = logging.getLogger(__name__)

REFUSED_STATUS = {links.LinkState.SPENT: 410, links.LinkState.UNKNOWN: 404}


def allow(*methods: str) -> Callable:
    """Like Django's require_http_methods, with a Norwegian page for the 405."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                context = {"section": "privacy"}
                response = render(request, "selfservice/not_allowed.html", context, status=405)
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


READ = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")


def see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


def _address_key(address: str) -> str:
    """The per-address rate limit's key: a keyed hash, never the address."""
    key = (settings.SECRET_KEY + ":selfservice-address").encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def _over(group: str, key: str, rate: str) -> bool:
    """Count this POST against a limit. If the counters cannot be reached, count it as
    over: a link not sent is better than an inbox flooded."""
    try:
        return limits.over_rate(group, key, rate)
    except Exception as exc:  # the store's own connection errors vary (database, Redis)
        logger.error("Dine opplysninger: rate limit store unavailable (%s)", type(exc).__name__)
        return True


def _form_page(request: HttpRequest, form: LinkRequestForm, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "link_minutes": settings.CONTACTS_SELF_SERVICE_LINK_MINUTES,
        "section": "privacy",
    }
    return render(request, "selfservice/request.html", context, status=status)


@never_cache
@allow(*READ_AND_POST)
def request_link(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, LinkRequestForm())
    client_over = _over(
        "selfservice.client",
        client_key("selfservice.client", request),
        settings.CONTACTS_SELF_SERVICE_CLIENT_RATE,
    )
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    address = form.cleaned_data["email"]
    address_over = _over(
        "selfservice.address", _address_key(address), settings.CONTACTS_SELF_SERVICE_ADDRESS_RATE
    )
    if client_over or address_over:
        logger.warning("Dine opplysninger: link request over the rate limit, nothing sent")
    else:
        try:
            links.request_link(address)
        except DatabaseError as exc:
            logger.error("Dine opplysninger: database error (%s)", type(exc).__name__)
            return render(request, "503.html", status=503)
    return see_other(reverse("selfservice:sent"))


@never_cache
@allow(*READ)
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/sent.html", {"section": "privacy"})


def _refused(request: HttpRequest, state: links.LinkState) -> HttpResponse:
    context = {"spent": state is links.LinkState.SPENT, "section": "privacy"}
    return render(request, "selfservice/link_refused.html", context, status=REFUSED_STATUS[state])


@never_cache
@allow(*READ_AND_POST)
def link(request: HttpRequest, secret: str) -> HttpResponse:
    """GET shows a button (a mail system's link scanner that fetches the link does not use
    it up); the POST from the button uses the link and opens the person's session."""
    if request.method != "POST":
        state = links.link_state(secret)
        if state is not links.LinkState.VALID:
            return _refused(request, state)
        context = {
            "session_minutes": settings.CONTACTS_SELF_SERVICE_SESSION_MINUTES,
            "section": "privacy",
        }
        return render(request, "selfservice/link.html", context)
    with transaction.atomic():
        state, address = links.use_link(secret)
        if state is links.LinkState.VALID:
            actions.record_access(address)
    if state is not links.LinkState.VALID:
        return _refused(request, state)
    session.start(request, address)
    return see_other(reverse("selfservice:overview"))


@allow(*READ)
def schema(request: HttpRequest) -> HttpResponse:
    return HttpResponse(schema_text(), content_type="application/schema+json")
