"""Who is asking, as far as a rate limit needs to know: the client's address behind the
proxies we trust, kept only as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the address the PILARO_TRUSTED_PROXIES'th proxy
    from us appended to X-Forwarded-For (each proxy appends the address it saw)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CONTACTS_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    return address


def client_key(group: str, request: HttpRequest) -> str:
    """The rate-limit key (django-ratelimit's `key` signature): a keyed hash of the client's
    address, never the address itself."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
