"""A marketing consent's own links (contacts/intake/consent_links.py): the one-click
withdrawal link in every e-mail about it and in the CSV export, and the link that
confirms it (double opt-in). No login, no expiry while the consent exists.

A GET shows one button and changes nothing: a mail system's link scanner that fetches
a link must neither withdraw nor confirm anything. The button's POST does it, and the
withdrawal link also takes a mail program's RFC 8058 POST (`List-Unsubscribe=One-Click`,
sent without cookies). These POSTs need no CSRF token: the signed link is the proof, and
only the address's owner has it. No cookie is set on these pages.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from contacts.intake import confirmation, consent_links
from contacts.rights import withdrawal
from contacts.rights.selfservice.views import READ_AND_POST, allow


def _consent(action: str, consent_id: int, token: str):
    consent = consent_links.consent_for(action, consent_id, token)
    if consent is None:
        raise Http404("not a link we made")
    return consent


@csrf_exempt
@never_cache
@allow(*READ_AND_POST)
def one_click(request: HttpRequest, consent_id: int, token: str) -> HttpResponse:
    consent = _consent(consent_links.WITHDRAW, consent_id, token)
    done = request.method == "POST"
    if done:
        withdrawal.withdraw_by_link(consent)
        consent.refresh_from_db(fields=["withdrawn_at"])
    context = {"consent": consent, "done": done, "section": "privacy"}
    return render(request, "selfservice/one_click.html", context)


@csrf_exempt
@never_cache
@allow(*READ_AND_POST)
def confirm(request: HttpRequest, consent_id: int, token: str) -> HttpResponse:
    consent = _consent(consent_links.CONFIRM, consent_id, token)
    if request.method == "POST":
        confirmation.confirm(consent)
    withdraw = consent_links.link(consent_links.WITHDRAW, consent.pk, consent.enquiry.form_nonce)
    context = {"consent": consent, "withdraw": withdraw, "section": "privacy"}
    return render(request, "selfservice/confirm.html", context)
