"""System checks for the staff login: production refuses a login without a second factor."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from staff.policy import MODES, OPTIONAL


@register()
def check_second_factor_setting(app_configs, **kwargs) -> list[Error]:
    value = settings.STAFF_2FA
    if value not in MODES:
        return [
            Error(
                f"PILARO_STAFF_2FA must be one of {', '.join(MODES)}, not {value!r}.",
                id="staff.E001",
            )
        ]
    if value == OPTIONAL and not settings.DEBUG:
        return [
            Error(
                "PILARO_STAFF_2FA=optional lets staff into the admin with a password alone; "
                "it is for development only and refused when DJANGO_DEBUG is off.",
                hint="Unset PILARO_STAFF_2FA (it defaults to required).",
                id="staff.E002",
            )
        ]
    return []


@register(deploy=True)
def check_passkey_origins(app_configs, **kwargs) -> list[Warning]:
    insecure = [o for o in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS if not o.startswith("https://")]
    if settings.DEBUG or not insecure:
        return []
    return [
        Warning(
            f"Passkeys are set up for {', '.join(insecure)}, not an HTTPS address: staff "
            "cannot use passkeys on this site (authenticator apps still work).",
            hint="Set PILARO_SITE_URL (or PILARO_PASSKEY_ORIGINS) to the site's https:// address.",
            id="staff.W001",
        )
    ]
