"""System checks for the site on the open web: warnings in `check --deploy`, for settings
the site works without, only less well or less safely."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_security_contact(app_configs, **kwargs) -> list[Warning]:
    if settings.SECURITY_CONTACTS:
        return []
    return [
        Warning(
            "PILARO_SECURITY_CONTACT is not set: /.well-known/security.txt is not served, so "
            "someone who finds a vulnerability is not told where to report it.",
            hint="Set it to a mailto: or https:// address, e.g. mailto:security@pilaro.no.",
            id="pilaro_site.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_trusted_proxies(app_configs, **kwargs) -> list[Warning]:
    """Behind a TLS proxy with no proxy trusted, every client has the proxy's address: one
    abuser of the self-service link's limit blocks everyone, and the staff lockout falls
    on every user name from everywhere."""
    if not settings.SECURE_PROXY_SSL_HEADER or settings.CONTACTS_TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "DJANGO_BEHIND_TLS_PROXY=1 but PILARO_TRUSTED_PROXIES=0: every client has the "
            "proxy's address, so per-client limits and the staff lockout treat all clients as "
            "one.",
            hint="Set PILARO_TRUSTED_PROXIES to the number of proxies in front of the app "
            "that append to X-Forwarded-For (1 behind the project's nginx).",
            id="pilaro_site.W003",
        )
    ]
