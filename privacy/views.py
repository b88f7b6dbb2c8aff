"""The privacy notice pages: the version in force, the version list, each version, its diff.

None of these pages needs the database. Each page is rendered once per process for each
state it can be in (which version is in force, which are upcoming, staff or not) and then
served from memory with an ETag, so readers pay about what a static file costs and a
conditional GET answers 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_safe

from privacy import rendering
from privacy.registry import Notice, Registry, get_registry

# A deploy restarts the processes and may change templates: no page is older than this.
_PROCESS_STARTED = timezone.now()


@dataclass(frozen=True)
class _Page:
    content: bytes
    etag: str
    last_modified: int


_pages: dict[Hashable, _Page] = {}


def _forget_pages(**kwargs) -> None:
    _pages.clear()


# A changed setting (in tests) may change the rendered pages.
setting_changed.connect(_forget_pages)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _serve(
    request: HttpRequest, key: Hashable, changed_on: dt.date, render: Callable[[], str]
) -> HttpResponse:
    """Serve a page rendered once per key, with ETag and Last-Modified; 304 when unchanged."""
    page = None if settings.DEBUG else _pages.get(key)  # development: edits show at once
    if page is None:
        content = render().encode()
        # Whole seconds: HTTP dates have no fractions, and If-Modified-Since must match.
        last_modified = int(max(_midnight(changed_on), _PROCESS_STARTED).timestamp())
        etag = quote_etag(hashlib.sha256(content).hexdigest()[:32])
        page = _pages[key] = _Page(content, etag, last_modified)
    response = HttpResponse(page.content)
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    # Revalidate every time: an upcoming version takes over at midnight.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    # The same for every anonymous reader on a given day (see pilaro_site/page_cache.py).
    response.anonymous_page_cache = True
    return get_conditional_response(
        request, etag=page.etag, last_modified=page.last_modified, response=response
    )


def _is_staff(request: HttpRequest) -> bool:
    # Without a session cookie this reads no database: anonymous readers stay DB-free.
    return request.user.is_active and request.user.is_staff


def _private_if_draft(response: HttpResponse, notice: Notice) -> HttpResponse:
    if not notice.is_published:
        patch_cache_control(response, private=True)
        response.anonymous_page_cache = False
    return response


def _visible(registry: Registry, version: str, request: HttpRequest) -> Notice:
    notice = registry.get(version)
    if notice is None or (not notice.is_published and not _is_staff(request)):
        raise Http404("Ukjent versjon")
    return notice


def _render(request: HttpRequest, template: str, context: dict) -> Callable[[], str]:
    return lambda: render_to_string(template, {"section": "privacy", **context}, request)


@require_safe
def notice_current(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    notice = registry.in_force(today)
    if notice is None:
        raise Http404("Ingen gjeldende versjon")
    upcoming = registry.upcoming(today)
    key = ("current", notice.sha256, tuple(n.sha256 for n in upcoming))
    context = {
        "notice": notice,
        "rendered": rendering.render_notice(notice),
        "in_force": notice,
        "upcoming": upcoming[0] if upcoming else None,
        "predecessor": registry.predecessor(notice),
        "is_current_page": True,
    }
    return _serve(request, key, notice.effective, _render(request, "privacy/notice.html", context))


@require_safe
def version_list(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    in_force = registry.in_force(today)
    staff = _is_staff(request)
    rows = [
        {
            "notice": notice,
            "state": (
                "current"
                if notice is in_force
                else "upcoming"
                if notice.effective > today
                else "earlier"
            ),
            "has_predecessor": registry.predecessor(notice) is not None,
        }
        for notice in reversed(registry.published)
    ]
    drafts = registry.drafts if staff else []
    key = (
        "list",
        in_force.sha256 if in_force else None,
        tuple(n.sha256 for n in registry.published if n.effective > today),
        tuple(n.sha256 for n in registry.published),
        tuple(n.sha256 for n in drafts),
    )
    changed_on = in_force.effective if in_force else today
    context = {"rows": rows, "drafts": drafts, "in_force": in_force}
    response = _serve(request, key, changed_on, _render(request, "privacy/versions.html", context))
    if drafts:
        patch_cache_control(response, private=True)
        response.anonymous_page_cache = False
    return response


@require_safe
def version_detail(request: HttpRequest, version: str) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    notice = _visible(registry, version, request)
    in_force = registry.in_force(today)
    key = ("version", notice.sha256, in_force.sha256 if in_force else None)
    context = {
        "notice": notice,
        "rendered": rendering.render_notice(notice),
        "in_force": in_force,
        "is_upcoming": notice.is_published and notice.effective > today,
        "predecessor": registry.predecessor(notice),
    }
    response = _serve(
        request,
        key,
        min(notice.effective, today),
        _render(request, "privacy/notice.html", context),
    )
    return _private_if_draft(response, notice)


@require_safe
def version_diff(request: HttpRequest, version: str) -> HttpResponse:
    registry = get_registry()
    notice = _visible(registry, version, request)
    predecessor = registry.predecessor(notice)
    if predecessor is None:
        raise Http404("Første versjon: ingen endringer å vise")
    in_force = registry.in_force()
    key = ("diff", predecessor.sha256, notice.sha256, in_force.sha256 if in_force else None)
    context = {
        "notice": notice,
        "predecessor": predecessor,
        "changes": rendering.diff_notices(predecessor, notice),
        "in_force": in_force,
    }
    today = timezone.localdate()
    response = _serve(
        request, key, min(notice.effective, today), _render(request, "privacy/diff.html", context)
    )
    return _private_if_draft(response, notice)
