"""The staff user's second-factor pages, under the admin path, looking like the admin.

The second-factor page after the password; the overview, which is also the enrolment page
for a user with nothing enrolled (reached only through an enrolment link: staff/enrolment.py
and staff/enrolment_views.py); setting up an authenticator app; new recovery codes;
removing a device. They work without JavaScript, except passkeys, which need it.
"""

from __future__ import annotations

from base64 import b32encode
from functools import wraps

import segno
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_permissions_policy.decorators import permissions_policy_override

from staff import enrolment, factors
from staff.factors import Outcome
from staff.forms import CodeForm

REFUSED = {
    Outcome.REFUSED: "Koden stemmer ikke. Prøv igjen med den nyeste koden fra appen, eller "
    "med en gjenopprettingskode du ikke har brukt.",
    Outcome.TOO_FAST: "Koden ble ikke sjekket: det kom et nytt forsøk for fort etter et feil "
    "forsøk. Vent litt og prøv igjen.",
}
# The page where a passkey is asked for must allow it (the site's policy turns it off).
PASSKEY_POLICY = {**settings.PERMISSIONS_POLICY, "publickey-credentials-get": ["self"]}


def _verify_url(request: HttpRequest) -> str:
    return f"{reverse('staff:verify')}?{urlencode({'next': request.get_full_path()})}"


def staff_page(view):
    """Staff only; a user with a device must have passed it in this session, and a user
    without one must have opened their enrolment link in it (else anyone with the password
    could enrol a device of their own)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not user.is_verified() and factors.has_any_device(user):
            return redirect(_verify_url(request))
        if not enrolment.may_enrol(request):
            return redirect("staff:need_link")
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _page(request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, **context}
    return render(request, template, context)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


@never_cache
@permissions_policy_override(PASSKEY_POLICY)
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if user.is_verified():
        return redirect(_next(request))
    if not factors.has_any_device(user):
        return redirect("staff:overview" if enrolment.may_enrol(request) else "staff:need_link")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = factors.check_code(request, form.cleaned_data["code"])
        if outcome is Outcome.ACCEPTED:
            return redirect(_next(request))
        if outcome is Outcome.LOCKED:
            return get_lockout_response(request, None, factors.lockout_credentials(user))
        form.add_error("code", REFUSED[outcome])
    return _page(
        request,
        "staff/verify.html",
        "Andre faktor",
        form=form,
        next=_next(request),
        has_passkey=factors.passkeys(user).exists(),
    )


@staff_page
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    enrolled = factors.second_factors(user)
    return _page(
        request,
        "staff/overview.html",
        "Innlogging og sikkerhet" if enrolled else "Sett opp andre faktor",
        enrolling=not enrolled,
        passkeys=factors.passkeys(user),
        apps=factors.apps(user),
        can_remove=len(enrolled) > 1,
        codes_left=factors.recovery_codes_left(user),
        needs_codes=not factors.has_recovery_codes(user),
    )


@staff_page
def app(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = factors.pending_app(user)
    form = CodeForm(request.POST or None, label="Kode fra appen")
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            confirmed = factors.confirm_app(
                request, device, form.cleaned_data["code"], claim=lambda: enrolment.claim(request)
            )
        if confirmed:
            if not factors.has_recovery_codes(user):
                return _recovery_codes_page(request)  # the first enrolment
            messages.success(request, "Autentiseringsappen er lagt til.")
            return redirect("staff:overview")
        form.add_error(
            "code",
            "Koden stemmer ikke. Sjekk at klokka på telefonen er riktig, og skriv inn koden "
            "appen viser nå.",
        )
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff", title="QR-kode for autentiseringsappen"
    )
    secret = b32encode(device.bin_key).decode()
    key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    # segno's SVG of the device's own URL: only path data and the title above.
    qr = mark_safe(qr)  # noqa: S308
    return _page(
        request, "staff/app.html", "Legg til autentiseringsapp", form=form, qr=qr, key=key
    )


@require_POST
@staff_page
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not factors.has_second_factor(request.user):
        return redirect("staff:overview")
    return _recovery_codes_page(request)


def _recovery_codes_page(request: HttpRequest) -> HttpResponse:
    codes = factors.new_recovery_codes(request.user)
    return _page(request, "staff/recovery_codes.html", "Gjenopprettingskoder", codes=codes)


@require_POST
@staff_page
def remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in factors.KINDS:
        raise Http404
    devices = factors.KINDS[kind].objects.devices_for_user(request.user)
    device = get_object_or_404(devices, pk=pk)
    try:
        factors.remove(request, device)
    except factors.LastSecondFactor:
        messages.error(
            request,
            "Du kan ikke fjerne den siste passnøkkelen eller autentiseringsappen. "
            "Legg til en annen først.",
        )
    else:
        what = "Passnøkkelen" if kind == "passnokkel" else "Autentiseringsappen"
        messages.success(request, f"{what} er fjernet.")
    return redirect("staff:overview")


class LogOut(LogoutView):
    """Back to the login page, in Norwegian (the admin's own "logged out" page is partly
    English). Also for a session that has not passed the second factor, which the admin's
    logout URL does not serve."""

    next_page = "admin:login"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)  # deletes the session
        messages.info(request, "Du er logget ut.")
        return response


log_out = LogOut.as_view()
