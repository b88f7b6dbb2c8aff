"""Two gates in front of every request of a logged-in user.

SessionLimitsMiddleware ends a session that has been idle or open too long (staff/sessions.py).
SecondFactorMiddleware keeps a session that has not passed the second factor away from every
admin page: it goes to the second-factor page; a user with no device goes to enrolment if
this session opened their enrolment link, else to the page that says to ask for one.
The admin site refuses such a session as well (staff/sites.py); this sends it somewhere useful.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from staff import enrolment, sessions
from staff.factors import has_any_device
from staff.policy import second_factor_passed

EXPIRED = {
    sessions.Expiry.IDLE: "Du er logget ut fordi du ikke har gjort noe på {idle} minutter. "
    "Logg inn igjen for å fortsette.",
    sessions.Expiry.TOO_OLD: "Du er logget ut fordi en innlogging varer høyst {hours} timer. "
    "Logg inn igjen for å fortsette.",
}


def _in_admin(request: HttpRequest) -> bool:
    return request.path_info.startswith("/" + settings.ADMIN_PATH)


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            expiry = sessions.check(request.session)
            if expiry is not None:
                logout(request)  # deletes the session's row
                if _in_admin(request):
                    text = EXPIRED[expiry].format(
                        idle=settings.STAFF_IDLE_MINUTES, hours=settings.STAFF_SESSION_MAX_HOURS
                    )
                    messages.warning(request, text)
                    return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return self.get_response(request)


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            _in_admin(request)
            and user.is_authenticated
            and user.is_staff
            and not request.path_info.startswith(reverse("staff:overview"))
            and not second_factor_passed(request)
        ):
            if not has_any_device(user):
                may_enrol = enrolment.may_enrol(request)
                return redirect("staff:overview" if may_enrol else "staff:need_link")
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('staff:verify')}?{query}")
        return self.get_response(request)
