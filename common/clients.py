"""Who is asking, as far as a limit needs to know: the client's address behind the proxies
we trust (PILARO_TRUSTED_PROXIES), taken as the network one subscriber holds, and kept
only as a keyed hash where we keep it at all.

This is the project's one rule for "the client": the form's and the self-service link's
rate limits use it, and so does django-axes (AXES_CLIENT_IP_CALLABLE), so that a staff
lockout falls on the address the wrong passwords came from, never on the proxy's.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 subscriber is given a /64 (RIPE-690) and picks any address in it at will: one
# address of a /64 is no more one client than one port of an IPv4 address.
IPV6_CLIENT_PREFIX = 64


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


def client_network(request: HttpRequest) -> str:
    """The client as a limit counts it: an IPv4 address as it is (an IPv4-mapped IPv6
    address as its IPv4 address), an IPv6 address as the first address of its /64. Text
    that is no address is returned as it is (it still names one bucket)."""
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False).network_address)
    return str(ip)


def client_key(group: str, request: HttpRequest) -> str:
    """The rate-limit key of `group`'s limit (common/limits.py): a keyed hash of the client's
    network (client_network), never the address itself."""
    network = client_network(request)
    return hmac.new(settings.SECRET_KEY.encode(), network.encode(), hashlib.sha256).hexdigest()
