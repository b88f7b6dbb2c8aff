"""Enrolment links: a user without a second factor (a new account, or one a superuser has
just reset) sets up the first one only through a one-time link that a superuser hands over.
The password alone enrols nothing.

The link is /<admin>/sikkerhet/registrering/<secret>/: the secret is 256 bits from
`secrets`, only its SHA-256 is stored (looked up by that hash), it works once, for 24 hours,
and for its own user only. Opening it logs nobody in: it only marks this browser's session
(by the link's id, never the secret) and sends it on to an address without the secret. The
user must then be logged in with the password as the same user: the link alone (forwarded,
seen over a shoulder) opens nothing, and the password alone enrols nothing, so a device can
only be added by whoever holds both. The first device confirmed consumes the link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from staff import factors
from staff.models import EnrolmentLink

LINK_HOURS = 24
SESSION_KEY = "staff_enrolment_link"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live():
    return EnrolmentLink.objects.filter(used_at__isnull=True, expires_at__gt=timezone.now())


def create(user: AbstractBaseUser, by: AbstractBaseUser | None = None) -> str:
    """A new link for `user` (any earlier unused one stops working): the path with its
    secret, to be shown once and never logged."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentLink.objects.create(
            user=user,
            token_hash=_hash(token),
            expires_at=timezone.now() + dt.timedelta(hours=LINK_HOURS),
            created_by=by,
        )
    return reverse("staff:enrolment_link", args=[token])


def find(token: str) -> EnrolmentLink | None:
    """The live link with this secret, if any."""
    return _live().filter(token_hash=_hash(token)).first()


def remember(request: HttpRequest, link: EnrolmentLink) -> None:
    request.session[SESSION_KEY] = link.pk


def session_link(request: HttpRequest) -> EnrolmentLink | None:
    """The live link this session opened, if it is request.user's."""
    pk = request.session.get(SESSION_KEY)
    if pk is None or not request.user.is_authenticated:
        return None
    return _live().filter(pk=pk, user_id=request.user.pk).first()


def may_enrol(request: HttpRequest) -> bool:
    """May this session add a device? Once it has passed the second factor; before that
    only a user with no device, through a live link of theirs opened in this session."""
    user = request.user
    if user.is_verified():
        return True
    return not factors.has_any_device(user) and session_link(request) is not None


def claim(request: HttpRequest) -> bool:
    """Consume this session's link for the first device; False if it is no longer live
    (used meanwhile, expired, another user's). Call inside the device's transaction."""
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return False
    used = _live().filter(pk=pk, user_id=request.user.pk).update(used_at=timezone.now())
    return used == 1
