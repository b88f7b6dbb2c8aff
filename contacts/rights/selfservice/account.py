"""The pages of the person's open session: the overview of what we hold, its copies, and
the actions, each a page that says what will happen and a button that does it (a POST
with its CSRF token). Every page answers for the session's address only: an enquiry
number that is not theirs is a 404, whoever asks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from common.dates import short_date
from contacts.models import Enquiry
from contacts.rights import suppression
from contacts.rights.selfservice import actions, information, portability, session
from contacts.rights.selfservice.forms import CORRECTION_MAX_LENGTH, CorrectionForm
from contacts.rights.selfservice.views import READ, READ_AND_POST, allow, see_other


def person_required(view: Callable) -> Callable:
    """The view gets the session's address; without an open session, a Norwegian 403."""

    @functools.wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        address = session.address(request)
        if address is None:
            context = {"section": "privacy"}
            return render(request, "selfservice/no_session.html", context, status=403)
        return view(request, address, *args, **kwargs)

    return wrapped


def _overview_url() -> str:
    return reverse("selfservice:overview")


def _data(address: str) -> dict:
    enquiries = actions.enquiries_of(address)
    for enquiry in enquiries:
        enquiry.plain_status = information.plain_status(enquiry)
    return {
        "address": address,
        "enquiries": enquiries,
        "purposes": information.purposes(enquiries),
        "notice": information.version_in_force(),
        "suppressed_since": suppression.suppressed_since(address),
        "marketing_in_force": bool(actions.marketing_consents_in_force(address)),
        "section": "privacy",
    }


@allow(*READ)
@person_required
def overview(request: HttpRequest, address: str) -> HttpResponse:
    context = {**_data(address), "said": session.said(request)}
    return render(request, "selfservice/overview.html", context)


@allow(*READ)
@person_required
def copy(request: HttpRequest, address: str) -> HttpResponse:
    """The art. 15 copy as a page to read, save or print."""
    return render(request, "selfservice/copy.html", _data(address))


@allow(*READ_AND_POST)
@person_required
def download(request: HttpRequest, address: str) -> HttpResponse:
    """The JSON copy (art. 20), as a file; recorded as a request for portability."""
    if request.method != "POST":
        return see_other(_overview_url() + "#last-ned")
    enquiries = actions.enquiries_of(address)
    actions.record_portability(address, enquiries)
    response = HttpResponse(
        portability.as_json(enquiries), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="dine-opplysninger.json"'
    return response


def _confirm(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, f"selfservice/{template}", {"section": "privacy", **context})


@allow(*READ_AND_POST)
@person_required
def withdraw(request: HttpRequest, address: str) -> HttpResponse:
    if request.method != "POST":
        consents = actions.marketing_consents_in_force(address)
        return _confirm(request, "withdraw.html", {"consents": consents})
    count = actions.withdraw_marketing(address)
    session.say(
        request,
        "Samtykket til markedsføring er trukket tilbake."
        if count
        else "Du hadde ikke noe samtykke til markedsføring som gjaldt.",
    )
    return see_other(_overview_url())


@allow(*READ_AND_POST)
@person_required
def object_to_marketing(request: HttpRequest, address: str) -> HttpResponse:
    if request.method != "POST":
        since = suppression.suppressed_since(address)
        return _confirm(request, "object.html", {"suppressed_since": since})
    added = actions.object_to_marketing(address)
    session.say(
        request,
        "Du er reservert mot markedsføring fra oss."
        if added
        else "Du var allerede reservert mot markedsføring.",
    )
    return see_other(_overview_url())


def _erased_text(result: actions.Erased) -> str:
    text = f"{result.erased} henvendelse{'r' if result.erased != 1 else ''} er slettet."
    if result.held:
        numbers = ", ".join(f"nr. {pk}" for pk in result.held)
        text += f" Henvendelse {numbers} ble ikke slettet: vi har en rettslig grunn til å "
        text += "beholde den en tid til (se under)."
    return text


@allow(*READ_AND_POST)
@person_required
def erase(request: HttpRequest, address: str, enquiry_id: int | None = None) -> HttpResponse:
    """Erase all the person's enquiries, or one of them (`enquiry_id`, only theirs)."""
    chosen: list[Enquiry] = actions.enquiries_of(address)
    if enquiry_id is not None:
        chosen = [e for e in chosen if e.pk == enquiry_id]
        if not chosen:
            raise Http404("Ingen slik henvendelse")
    if request.method != "POST":
        context = {
            "chosen": chosen,
            "one": enquiry_id is not None,
            "held": [e for e in chosen if e.legal_hold_reason],
        }
        return _confirm(request, "erase.html", context)
    result = actions.erase(address, ids=None if enquiry_id is None else [enquiry_id])
    session.say(request, _erased_text(result))
    return see_other(_overview_url())


@allow(*READ_AND_POST)
@person_required
def correct(request: HttpRequest, address: str) -> HttpResponse:
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        context = {"form": form, "max_length": CORRECTION_MAX_LENGTH, "section": "privacy"}
        status = 400 if form.is_bound else 200
        return render(request, "selfservice/correct.html", context, status=status)
    request_ = actions.ask_for_correction(address, form.cleaned_data["text"])
    due = short_date(request_.due_on)
    session.say(request, f"Vi har fått forespørselen om retting og svarer deg senest {due}.")
    return see_other(_overview_url())


@allow("POST")
@person_required
def full_access(request: HttpRequest, address: str) -> HttpResponse:
    request_ = actions.ask_for_full_access(address)
    due = short_date(request_.due_on)
    session.say(
        request,
        "Vi har fått forespørselen om fullstendig innsyn, med notatene og historikken, "
        f"og sender den til deg senest {due}.",
    )
    return see_other(_overview_url())


@allow("POST")
@never_cache
def end(request: HttpRequest) -> HttpResponse:
    session.end(request)
    return see_other(reverse("selfservice:ended"))


@allow(*READ)
@never_cache
def ended(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/ended.html", {"section": "privacy"})
