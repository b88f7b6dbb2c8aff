"""Staff preview of the callback form as a draft notice version will make it.

The draft's page (`privacy`) shows what each app registered in `PRIVACY_DRAFT_PREVIEWS`
renders for it; `privacy` knows nothing of enquiries. Posting the preview validates the
form exactly as the real one would and says what would be stored; it stores nothing.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from contacts.intake.forms import EnquiryForm, Outcome
from contacts.models import FormLocation
from privacy.registry import Notice, get_registry
from staff.policy import verified_staff_required


def _context(form: EnquiryForm, notice: Notice) -> dict:
    return {
        "form": form,
        "notice": notice,
        "form_action": reverse("contacts:preview", args=[notice.version]),
    }


def draft_form(request: HttpRequest, notice: Notice) -> str:
    """The preview block on a draft's page: the form under that draft's declarations."""
    if notice.declarations is None:
        return render_to_string("contacts/preview.html", {"notice": notice}, request=request)
    form = EnquiryForm(notice=notice, preview=notice, location=FormLocation.CONTACT_PAGE)
    return render_to_string("contacts/preview.html", _context(form, notice), request=request)


@never_cache
@verified_staff_required
@require_POST
def preview(request: HttpRequest, version: str) -> HttpResponse:
    notice = get_registry().get(version)
    if notice is None or notice.is_published or notice.declarations is None:
        raise Http404("Ingen utkast med den versjonen.")
    form = EnquiryForm(request.POST, preview=notice)
    outcome = form.outcome()
    context = {**_context(form, notice), "outcome": outcome.value, "section": "privacy"}
    if outcome is Outcome.STORE:
        context["submission"] = form.submission()
    if outcome is Outcome.QUARANTINE:
        context["quarantine_reason"] = form.quarantine_reason
    status = 200 if outcome in (Outcome.STORE, Outcome.QUARANTINE, Outcome.SPAM) else 400
    return TemplateResponse(request, "contacts/preview_result.html", context, status=status)
