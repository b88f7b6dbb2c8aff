"""What a staff session must have passed: read from settings at request time.

No model imports here: the admin site (staff/sites.py) is loaded with INSTALLED_APPS.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

REQUIRED = "required"
OPTIONAL = "optional"
MODES = (REQUIRED, OPTIONAL)


def second_factor_required() -> bool:
    # Anything but "optional" requires it: an unknown value fails the system check, and
    # must not open the admin meanwhile.
    return settings.STAFF_2FA != OPTIONAL


def second_factor_passed(request: HttpRequest) -> bool:
    """Has this session passed the second factor, or does it not need to?"""
    if not second_factor_required():
        return True
    is_verified = getattr(request.user, "is_verified", None)  # set by OTPMiddleware
    return bool(is_verified and is_verified())


def verified_staff_required(view):
    """A staff page outside the admin (a draft's preview): an active staff user whose
    session has passed the second factor; anyone else goes to the admin's login, which
    sends a password-only session on to the second factor."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        user = request.user
        if user.is_active and user.is_staff and second_factor_passed(request):
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))

    return wrapped
