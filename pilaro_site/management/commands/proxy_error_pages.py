"""Write nginx's own error pages and their security headers (deploy/nginx/errors/).

nginx answers a few requests itself: a body over the cap (413), too many POSTs (429), the
app down or slow (502, 503, 504). Those answers are the site's error pages, rendered here
from the site's templates, and carry the headers the app sends, taken from the site's own
middleware: one source for both. The files are checked in, so that a deploy needs no
Django to render its proxy configuration; tests/site/test_proxy_pages.py fails when they
differ from what this command writes now (run it after changing a template or a header).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.utils.module_loading import import_string

from pilaro_site.context_processors import company

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "deploy" / "nginx" / "errors"
PAGES = {
    413: "413.html",  # the app's own page for the same refusal
    429: "proxy/429.html",
    502: "proxy/502.html",
    503: "proxy/503.html",
    504: "proxy/504.html",
}
# The middleware that sets the security headers, outermost first, as in MIDDLEWARE.
HEADER_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pilaro_site.csp.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
SECURITY_HEADERS = (
    "Strict-Transport-Security",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
)
# Unhashed static names: nginx serves them from STATIC_ROOT (collectstatic writes both),
# and the pages need not be written again each time a stylesheet changes.
PLAIN_STATIC = {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}


def security_headers() -> dict[str, str]:
    """The security headers of an answer over HTTPS, as the site's middleware sets them."""
    response = HttpResponse()

    def handler(request):
        return response

    for path in reversed(HEADER_MIDDLEWARE):
        handler = import_string(path)(handler)
    answered = handler(RequestFactory().get("/", secure=True))
    missing = [name for name in SECURITY_HEADERS if name not in answered]
    if missing:
        raise ValueError(f"the site's middleware did not set {', '.join(missing)}")
    return {name: answered[name] for name in SECURITY_HEADERS}


def headers_conf() -> str:
    lines = ["# Written by `manage.py proxy_error_pages` from the site's settings: do not edit."]
    for name, value in security_headers().items():
        if name == "Content-Security-Policy":  # django-csp's order changes from run to run
            value = "; ".join(sorted(value.split("; ")))
        if '"' in value or "\n" in value:
            raise ValueError(f"{name} {value!r} cannot go into an nginx configuration")
        lines.append(f'add_header {name} "{value}" always;')
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name -> content of every file nginx's error pages need."""
    written = {"headers.conf": headers_conf()}
    with override_settings(STORAGES=PLAIN_STATIC):
        for status, template in PAGES.items():
            written[f"{status}.html"] = render_to_string(template, company(None))
    return written


class Command(BaseCommand):
    help = "Write nginx's own error pages and security headers (deploy/nginx/errors/)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(DEFAULT_DIRECTORY))

    def handle(self, *args, directory: str, **options) -> None:
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        for name, text in pages().items():
            (target / name).write_text(text)
        self.stdout.write(f"Wrote nginx's error pages to {target}")
