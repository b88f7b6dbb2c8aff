"""Innsyn, retting og sletting for one person (GDPR art. 15–17 and 20): staff find the
person's enquiries by e-mail or phone, then download everything held (JSON, or a report
to print), erase it, or record the request. Mounted on the enquiry list's URLs
(`admin:contacts_enquiry_subject…`); the list of requests is subject_requests.py.

Everything is POSTed, so that the person's address never stands in a URL or a log; the
search is audited (contacts/rights/subject_requests.py).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from common.dates import short_date
from contacts.admin.forms import SubjectRecordForm, SubjectSearchForm
from contacts.admin.pages import AdminPages, require_permission
from contacts.models import ErasureReason
from contacts.retention import erasure
from contacts.rights import subject_requests
from contacts.rights.selfservice import information

HANDLE = "contacts.handle_data_subject_requests"
RECORD = "contacts.add_subjectrequest"


class PersonSearch(AdminPages):
    def urls(self) -> list[URLPattern]:
        return [
            path("personvern/", self.view(self.search), name="contacts_enquiry_subject"),
            path(
                "personvern/innsyn.json",
                self.view(self.download),
                {"as_json": True},
                name="contacts_enquiry_subject_json",
            ),
            path(
                "personvern/innsyn/",
                self.view(self.download),
                {"as_json": False},
                name="contacts_enquiry_subject_report",
            ),
            path(
                "personvern/slett/", self.view(self.erase), name="contacts_enquiry_subject_erase"
            ),
            path(
                "personvern/registrer/",
                self.view(self.record),
                name="contacts_enquiry_subject_record",
            ),
        ]

    def _form(self, request: HttpRequest) -> SubjectSearchForm:
        require_permission(request, HANDLE)
        return SubjectSearchForm(request.POST or None)

    def _found(self, request: HttpRequest, form: SubjectSearchForm) -> list:
        return subject_requests.find_subject_records(**form.cleaned_data, actor=request.user)

    def _page(self, request, form, enquiries, *, confirm_erase=False, record_form=None):
        return self.render(
            request,
            "admin/contacts/subject_request.html",
            "Innsyn, retting og sletting",
            form=form,
            enquiries=enquiries,
            confirm_erase=confirm_erase,
            record_form=record_form or SubjectRecordForm(prefix="sr"),
            can_record=request.user.has_perm(RECORD),
        )

    def search(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request)
        found = (
            self._found(request, form) if request.method == "POST" and form.is_valid() else None
        )
        return self._page(request, form, found)

    def download(self, request: HttpRequest, as_json: bool) -> HttpResponse:
        """Everything held about the person, as a JSON file or a page to print."""
        form = self._form(request)
        if request.method != "POST" or not form.is_valid():
            return self._page(request, form, None)
        enquiries = self._found(request, form)
        data = subject_requests.subject_download(enquiries=enquiries, actor=request.user)
        if not as_json:
            # With the art. 15(1) information the person's own page shows them.
            context = {
                "data": data,
                "enquiries": enquiries,
                "purposes": information.purposes(enquiries),
                "notice": information.version_in_force(),
            }
            return TemplateResponse(request, "admin/contacts/subject_report.html", context)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="innsyn.json"'
        return response

    def erase(self, request: HttpRequest) -> HttpResponse:
        """Erase the person's enquiries: first a confirmation listing them, then erasure.

        Only enquiries that the search for this person finds now are erased, whatever ids
        the confirmation posts: a changed or stale list can never reach anyone else's.
        """
        form = self._form(request)
        if request.method != "POST" or not form.is_valid():
            return self._page(request, form, None)
        found = self._found(request, form)
        if "confirmed" not in request.POST:
            return self._page(request, form, found, confirm_erase=True)
        confirmed = set(request.POST.getlist("ids"))
        count = erasure.erase_enquiries(
            ids=[e.pk for e in found if str(e.pk) in confirmed],
            reason=ErasureReason.REQUEST,
            actor=request.user,
        )
        self.tell(request, f"{count} henvendelse(r) med notater og samtykker er slettet.")
        return HttpResponseRedirect(reverse("admin:contacts_enquiry_subject"))

    def record(self, request: HttpRequest) -> HttpResponse:
        """Record a request that came by e-mail, phone, letter or the form, for the person
        searched for: linked to the enquiries the search finds now, and to a keyed hash of
        the searched address. Its page, with the due date, comes next."""
        form = self._form(request)
        require_permission(request, RECORD)
        if request.method != "POST" or not form.is_valid():
            return self._page(request, form, None)
        record_form = SubjectRecordForm(request.POST, prefix="sr")
        valid = record_form.is_valid()
        if valid and not form.cleaned_data["email"]:
            record_form.add_error(None, "Søk på personens e-postadresse for å registrere.")
            valid = False
        if not valid:
            return self._page(request, form, self._found(request, form), record_form=record_form)
        created = subject_requests.record_request(
            **form.cleaned_data, **record_form.cleaned_data, actor=request.user
        )
        self.tell(
            request, f"Forespørselen er registrert. Fristen er {short_date(created.due_on)}."
        )
        return HttpResponseRedirect(
            reverse("admin:contacts_subjectrequest_change", args=[created.pk])
        )
