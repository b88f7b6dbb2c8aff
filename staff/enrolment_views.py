"""The enrolment link's pages (staff/enrolment.py): opening the link, the address it leads
on to, and the page a user without a device and without a link sees instead of the admin.

The link's own address carries its secret, so it answers 200 or a redirect, never an error
status (Django logs a 4xx with its path), and sends the browser on to an address without
the secret at once.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from staff import enrolment, factors


def _page(request: HttpRequest, template: str, title: str) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title}
    return render(request, template, context)


def _is_staff(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


@never_cache
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    link = enrolment.find(token)
    if link is None or (request.user.is_authenticated and link.user_id != request.user.pk):
        # Used, expired, unknown, or someone else's: one page for all, saying nothing more.
        return _page(request, "staff/link_invalid.html", "Lenken virker ikke")
    enrolment.remember(request, link)
    return redirect("staff:enrolment")


@never_cache
def enrolment_start(request: HttpRequest) -> HttpResponse:
    """Where an opened link leads: the password login first, then setting up a device."""
    if not _is_staff(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.user.is_verified() or enrolment.may_enrol(request):
        return redirect("staff:overview")
    if factors.has_any_device(request.user):
        return redirect("staff:verify")
    return redirect("staff:need_link")


@never_cache
def need_link(request: HttpRequest) -> HttpResponse:
    """A password-only session of a user with no device and no live link: this page only."""
    if not _is_staff(request):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if request.user.is_verified() or factors.has_any_device(request.user):
        return redirect("staff:overview")
    if enrolment.may_enrol(request):
        return redirect("staff:overview")
    return _page(request, "staff/need_link.html", "Be en administrator om en registreringslenke")
