"""Staff pages of their own, mounted on a model admin's URLs (so under its path, behind the
admin's login and second factor, and named `admin:<name>`): here the pages for a withdrawn
consent and for restriction, beside an enquiry's page. The person search is subjects.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from contacts.admin.forms import ChangesSinceForm, LiftForm, RestrictionForm, WithdrawalForm
from contacts.inbox import export
from contacts.models import Consent, Enquiry
from contacts.rights import restriction, withdrawal


class AdminPages:
    """Views that live beside `model_admin`'s own: `urls()` goes into its `get_urls`."""

    def __init__(self, model_admin: admin.ModelAdmin) -> None:
        self.model_admin = model_admin

    def urls(self) -> list[URLPattern]:
        raise NotImplementedError

    def view(self, view):
        return self.model_admin.admin_site.admin_view(view)

    def render(self, request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
        context = {
            **self.model_admin.admin_site.each_context(request),
            "title": title,
            "opts": self.model_admin.model._meta,
            **context,
        }
        return TemplateResponse(request, template, context)

    def tell(self, request: HttpRequest, text: str, level: int = messages.SUCCESS) -> None:
        self.model_admin.message_user(request, text, level)


def require_permission(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


class EnquiryPages(AdminPages):
    """Recording a withdrawn consent, and restricting an enquiry or lifting it."""

    def urls(self) -> list[URLPattern]:
        return [
            path(
                "samtykke/<int:consent_id>/trekk-tilbake/",
                self.view(self.withdraw),
                name="contacts_consent_withdraw",
            ),
            path(
                "markedsforing/endringer/",
                self.view(self.marketing_changes),
                name="contacts_enquiry_marketing_changes",
            ),
            path(
                "<int:enquiry_id>/begrens/",
                self.view(self.restriction),
                {"lift": False},
                name="contacts_enquiry_restrict",
            ),
            path(
                "<int:enquiry_id>/opphev-begrensning/",
                self.view(self.restriction),
                {"lift": True},
                name="contacts_enquiry_lift_restriction",
            ),
        ]

    def withdraw(self, request: HttpRequest, consent_id: int) -> HttpResponse:
        require_permission(request, "contacts.record_withdrawal")
        consent = get_object_or_404(Consent.objects.select_related("enquiry"), pk=consent_id)
        back = reverse("admin:contacts_enquiry_change", args=[consent.enquiry_id])
        form = WithdrawalForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            done = withdrawal.record_withdrawal(
                consent=consent, channel=form.cleaned_data["channel"], actor=request.user
            )
            if done:
                self.tell(request, "Tilbaketrekkingen er registrert.")
            else:
                self.tell(request, "Samtykket var allerede trukket tilbake.", messages.WARNING)
            return HttpResponseRedirect(back)
        return self.render(
            request,
            "admin/contacts/withdraw.html",
            "Registrer tilbaketrukket samtykke",
            consent=consent,
            form=form,
            back=back,
        )

    def marketing_changes(self, request: HttpRequest) -> HttpResponse:
        """ "Trukket tilbake eller reservert siden <dato>": a CSV for the mail tool."""
        require_permission(request, "contacts.export_enquiries")
        form = ChangesSinceForm(request.GET or None)
        if form.is_valid():
            since = form.cleaned_data["siden"]
            body = export.withdrawn_or_objected_since(since=since, actor=request.user)
            response = HttpResponse(body, content_type="text/csv; charset=utf-8")
            name = f"trukket-tilbake-eller-reservert-siden-{since:%Y-%m-%d}.csv"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self.render(
            request,
            "admin/contacts/marketing_changes.html",
            "Trukket tilbake eller reservert",
            form=form,
        )

    def restriction(self, request: HttpRequest, enquiry_id: int, lift: bool) -> HttpResponse:
        """Restrict processing (with a reason) or lift the restriction: a page, then a POST."""
        require_permission(request, "contacts.restrict_processing")
        enquiry = get_object_or_404(Enquiry, pk=enquiry_id)
        back = reverse("admin:contacts_enquiry_change", args=[enquiry.pk])
        posted = request.POST if request.method == "POST" else None
        form = (LiftForm if lift else RestrictionForm)(posted)
        if request.method == "POST" and form.is_valid():
            if lift:
                told, how = form.cleaned_data["told"], form.cleaned_data["told_how"]
                done = restriction.lift_restriction(
                    enquiry=enquiry, actor=request.user, told=told, told_how=how
                )
            else:
                reason = form.cleaned_data["reason"]
                done = restriction.restrict(enquiry=enquiry, reason=reason, actor=request.user)
            said = {
                (True, True): "Begrensningen er opphevet.",
                (True, False): "Henvendelsen var ikke begrenset.",
                (False, True): "Behandlingen er begrenset.",
                (False, False): "Henvendelsen var allerede begrenset.",
            }[lift, done]
            self.tell(request, said, messages.SUCCESS if done else messages.WARNING)
            return HttpResponseRedirect(back)
        return self.render(
            request,
            "admin/contacts/restriction.html",
            "Opphev begrensningen" if lift else "Begrens behandlingen (art. 18)",
            enquiry=enquiry,
            form=form,
            lift=lift,
            back=back,
        )
