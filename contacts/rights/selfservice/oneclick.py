"""The one-click withdrawal link in every marketing consent's e-mails and in the CSV
export: no login, no expiry while the consent exists (contacts.rights.withdrawal).

A GET shows one button and changes nothing: a mail system's link scanner that fetches
the link must not withdraw anything. The button's POST, or a mail program's RFC 8058
POST (`List-Unsubscribe=One-Click`, sent without cookies), withdraws the consent and
puts the address on the suppression list. That POST needs no CSRF token: the signed
link is the proof, and a forged request could only do what the person may do anyway,
say no to marketing. No cookie is set on either page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from contacts.rights import withdrawal
from contacts.rights.selfservice.views import READ_AND_POST, allow


@csrf_exempt
@never_cache
@allow(*READ_AND_POST)
def one_click(request: HttpRequest, consent_id: int, token: str) -> HttpResponse:
    consent = withdrawal.consent_for_link(consent_id, token)
    if consent is None:
        raise Http404("not a withdrawal link we made")
    done = False
    if request.method == "POST":
        withdrawal.withdraw_by_link(consent)
        consent.refresh_from_db(fields=["withdrawn_at"])
        done = True
    context = {"consent": consent, "done": done, "section": "privacy"}
    return render(request, "selfservice/one_click.html", context)
