"""System checks for the site on the open web (pilaro_site/seo.py): warnings in
`check --deploy`, since the site works without either setting, only less well."""

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


@register(deploy=True)
def check_site_url(app_configs, **kwargs) -> list[Warning]:
    if settings.SITE_URL:
        return []
    return [
        Warning(
            "PILARO_SITE_URL is not set: canonical links, the sitemap and security.txt take "
            "their address from each request, which may name another host or plain http.",
            hint="Set it to the site's address, e.g. https://pilaro.no.",
            id="pilaro_site.W002",
        )
    ]
