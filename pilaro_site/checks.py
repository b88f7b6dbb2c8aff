"""System checks for the site on the open web: warnings in `check --deploy`, for settings
the site works without, only less well or less safely."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.db import connections


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


@register(Tags.database, deploy=True)
def check_runtime_role(app_configs, databases=None, **kwargs) -> list[Warning]:
    """The role the site runs as should own nothing (README, "Database roles"): an owner
    or a superuser can TRUNCATE the evidence tables and drop the triggers that guard them.
    Run with `check --deploy --database default`, as `make serve` runs it."""
    from pilaro_site.roles import EVIDENCE

    connection = connections["default"]
    if "default" not in (databases or ()) or settings.DATABASE_AS_OWNER:
        return []
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND (tableowner = current_user "
            "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))",
            [list(EVIDENCE)],
        )
        [owned] = cursor.fetchone()
    if not owned:
        return []
    return [
        Warning(
            "The site's database role (DATABASE_URL) owns the evidence tables or is a "
            "superuser: it could empty them and drop the triggers that guard them.",
            hint="Give the schema to another role and set DATABASE_OWNER_URL to it (README, "
            '"Database roles").',
            id="pilaro_site.W004",
        )
    ]
