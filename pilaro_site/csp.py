"""django-csp's middleware, with the site's one policy built once instead of per response.

The site's Content-Security-Policy is the same for every response (settings.py): no page
draws a nonce or changes the policy with django-csp's decorators. django-csp 4 still
builds the header from the settings for every response, twice (the policy and the
report-only one), with `dataclasses.asdict` around each: a third of what serving a static
file costs Django here (in process: 102 µs for the file before, 69 after;
docs/performance.md, run I).

`CSPMiddleware` hands a response to django-csp's own code whenever anything could make
its policy differ (a nonce drawn, a decorator's config on the response) and always under
DEBUG (whose error pages django-csp leaves without the header); otherwise it sets the
headers that django-csp would set, built by django-csp's `build_policy` once per settings
(a test's `override_settings` builds them again).
"""

from __future__ import annotations

import functools

from csp import middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponseBase

# What django-csp's decorators put on a response (csp/decorators.py): a policy of its own.
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
# Each header, its settings, and the decorator's flag that exempts a response from it.
_HEADERS = (
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt", False),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro", True),
)


@functools.cache
def _fixed() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(header, value, exempt flag, excluded path prefixes) for each header the settings
    give, as django-csp builds them without a nonce or a decorator."""
    headers = []
    for header, setting, exempt, report_only in _HEADERS:
        value = build_policy(report_only=report_only)
        if value:
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
            headers.append((header, value, exempt, tuple(prefixes or ())))
    return tuple(headers)


def _forget(*, setting: str, **kwargs) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _fixed.cache_clear()


setting_changed.connect(_forget)


class CSPMiddleware(middleware.CSPMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE)
            or settings.DEBUG
        ):
            return super().process_response(request, response)
        for header, value, exempt, prefixes in _fixed():
            if (
                header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
