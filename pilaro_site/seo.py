"""The site on the open web: what search engines and security researchers look for.

- `/robots.txt`: every public page may be crawled. It names no staff path: the file is
  public, and the admin's path (DJANGO_ADMIN_PATH) is meant to be unguessable, so a
  `Disallow` line would publish it. Staff pages instead answer with `X-Robots-Tag:
  noindex` (`noindex_staff_pages`), which keeps them out of search results if found.
- `/sitemap.xml` (django.contrib.sitemaps): the public pages and every published notice
  version with its "what changed" page, `lastmod` from the versions' dates.
- `/.well-known/security.txt` (RFC 9116), served only when PILARO_SECURITY_CONTACT is set.
- The home page's schema.org `Organization`, from the company facts that are set.

Absolute addresses come from PILARO_SITE_URL, or from the request when it is unset.
One module rather than an app: none of it has models or templates of its own, and the
sitemap composes pages of both apps, which is this package's job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from common.urls import absolute_url
from privacy.registry import Notice, get_registry

# security.txt's Expires: RFC 9116 asks for less than a year; computed per request, so
# the file never goes stale while the setting stays.
SECURITY_TXT_VALID_FOR = dt.timedelta(days=180)


def _text(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    # No Disallow for the staff pages: see the module's docstring.
    sitemap = absolute_url(reverse("sitemap"), request)
    return _text(["User-agent: *", "Allow: /", "", f"Sitemap: {sitemap}"])


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    if not settings.SECURITY_CONTACTS:
        raise Http404("Ingen sikkerhetskontakt")
    expires = timezone.now().astimezone(dt.UTC) + SECURITY_TXT_VALID_FOR
    return _text(
        [
            *(f"Contact: {contact}" for contact in settings.SECURITY_CONTACTS),
            f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
            "Preferred-Languages: no, en",
            f"Canonical: {absolute_url(request.path, request)}",
        ]
    )


def noindex_staff_pages(get_response: Callable) -> Callable:
    """Staff pages (the admin, its login and second factor) ask not to be indexed: a
    header, because robots.txt must not name their path."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path.startswith("/" + settings.ADMIN_PATH):
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return middleware


# --- /sitemap.xml -----------------------------------------------------------------------


class _OnSiteUrl(Sitemap):
    """Addresses on PILARO_SITE_URL when it is set, else on the request's host."""

    def get_protocol(self, protocol: str | None = None) -> str:
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).scheme
        return super().get_protocol(protocol)

    def get_domain(self, site=None) -> str:
        if settings.SITE_URL:
            return urlsplit(settings.SITE_URL).netloc
        return super().get_domain(site)


def _shown_since(notice: Notice) -> dt.date:
    # An upcoming version's page is online before its date: never a lastmod in the future
    # (the same date the page's own Last-Modified is built from).
    return min(notice.effective, timezone.localdate())


class PageSitemap(_OnSiteUrl):
    """The pages a visitor starts from; the notice pages change with the version in force.
    Thank-you pages are left out: they say nothing a search should find."""

    def items(self) -> list[str]:
        return [
            "home",
            "contacts:contact",
            "privacy:notice",
            "privacy:versions",
            "selfservice:request",
        ]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> dt.date | None:
        if not item.startswith("privacy:"):
            return None  # written in templates: no date to tell
        in_force = get_registry().in_force()
        return in_force.effective if in_force else None


class NoticeSitemap(_OnSiteUrl):
    """Every published notice version, and what changed in it from its predecessor."""

    def items(self) -> list[tuple[str, Notice]]:
        registry = get_registry()
        pages = []
        for notice in registry.published:
            pages.append(("privacy:version", notice))
            if registry.predecessor(notice) is not None:
                pages.append(("privacy:diff", notice))
        return pages

    def location(self, item: tuple[str, Notice]) -> str:
        name, notice = item
        return reverse(name, args=[notice.version])

    def lastmod(self, item: tuple[str, Notice]) -> dt.date:
        return _shown_since(item[1])


SITEMAPS = {"sider": PageSitemap, "personvern": NoticeSitemap}


# --- schema.org Organization -----------------------------------------------------------

_ORG_NUMBER = re.compile(r"[0-9]{9}")


def organization(request: HttpRequest) -> dict[str, str]:
    """The company as schema.org `Organization`: its name, its address on the web, and
    each other fact only when the company has supplied it.

    The organisation number goes in `iso6523Code` as "0192:<number>": ISO 6523's code
    0192 is Enhetsregisteret (Brønnøysundregistrene), where the number is issued, and
    schema.org prefers ISO 6523 codes to `taxID`/`vatID`, which are less exact (`vatID`
    would also claim a VAT registration we do not know of). A value that is not nine
    digits is left out rather than published malformed."""
    company = settings.COMPANY
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": company["name"],
        "url": absolute_url("/", request),
    }
    for fact, key in (("email", "email"), ("phone", "telephone"), ("address", "address")):
        if company[fact]:
            data[key] = company[fact]
    org_number = re.sub(r"\s", "", company["org_number"])
    if _ORG_NUMBER.fullmatch(org_number):
        data["iso6523Code"] = f"0192:{org_number}"
    return data
