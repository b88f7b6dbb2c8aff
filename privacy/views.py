"""The privacy notice pages: the version in force, the version list, each version, its diff.

None of these pages needs the database. Published versions are the same for every
anonymous reader on a given day, so each view is a `@shared_page`: rendered once per
process and day, then served from memory with an ETag and Last-Modified, and a
conditional GET answers 304. Drafts are for staff only and marked private, so they are
never shared.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from pagecache import shared_page
from privacy import rendering
from privacy.registry import Notice, Registry, get_registry
from staff.policy import second_factor_passed

# A deploy restarts the processes and may change templates: no page is older than this.
_PROCESS_STARTED = timezone.now()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _page(
    request: HttpRequest, template: str, context: dict, *, changed_on: dt.date, private: bool
) -> TemplateResponse:
    response = TemplateResponse(request, template, {"section": "privacy", **context})
    # Whole seconds: HTTP dates have no fractions, and If-Modified-Since must match.
    last_modified = max(_midnight(changed_on), _PROCESS_STARTED)
    response["Last-Modified"] = http_date(int(last_modified.timestamp()))
    # Revalidate every time: an upcoming version takes over at midnight.
    patch_cache_control(response, no_cache=True)
    if private:  # a draft, or a list with drafts: staff only, never shared
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _is_staff(request: HttpRequest) -> bool:
    # Without a session cookie this reads no database: anonymous readers stay DB-free.
    # Drafts are for staff who have passed the second factor, like the admin.
    return request.user.is_active and request.user.is_staff and second_factor_passed(request)


def _visible(registry: Registry, version: str, request: HttpRequest) -> Notice:
    notice = registry.get(version)
    if notice is None or (not notice.is_published and not _is_staff(request)):
        raise Http404("Ukjent versjon")
    return notice


@shared_page()
@require_safe
def notice_current(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    notice = registry.in_force(today)
    if notice is None:
        raise Http404("Ingen gjeldende versjon")
    upcoming = registry.upcoming(today)
    context = {
        "notice": notice,
        "rendered": rendering.render_notice(notice),
        "in_force": notice,
        "upcoming": upcoming[0] if upcoming else None,
        "predecessor": registry.predecessor(notice),
        "is_current_page": True,
    }
    return _page(
        request, "privacy/notice.html", context, changed_on=notice.effective, private=False
    )


@shared_page()
@require_safe
def version_list(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    in_force = registry.in_force(today)
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
    drafts = registry.drafts if _is_staff(request) else []
    context = {"rows": rows, "drafts": drafts, "in_force": in_force}
    changed_on = in_force.effective if in_force else today
    return _page(
        request, "privacy/versions.html", context, changed_on=changed_on, private=bool(drafts)
    )


def _draft_previews(request: HttpRequest, notice: Notice) -> list[str]:
    """What other apps show staff on a draft's page (the form as the draft will make it):
    callables named in PRIVACY_DRAFT_PREVIEWS, so that this app imports none of them."""
    if notice.is_published:
        return []
    return [import_string(path)(request, notice) for path in settings.PRIVACY_DRAFT_PREVIEWS]


@shared_page()
@require_safe
def version_detail(request: HttpRequest, version: str) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    notice = _visible(registry, version, request)
    in_force = registry.in_force(today)
    context = {
        "notice": notice,
        "rendered": rendering.render_notice(notice),
        "in_force": in_force,
        "is_upcoming": notice.is_published and notice.effective > today,
        "predecessor": registry.predecessor(notice),
        "previews": _draft_previews(request, notice),
    }
    return _page(
        request,
        "privacy/notice.html",
        context,
        changed_on=min(notice.effective, today),
        private=not notice.is_published,
    )


@shared_page()
@require_safe
def version_diff(request: HttpRequest, version: str) -> HttpResponse:
    registry = get_registry()
    today = timezone.localdate()
    notice = _visible(registry, version, request)
    predecessor = registry.predecessor(notice)
    if predecessor is None:
        raise Http404("Første versjon: ingen endringer å vise")
    context = {
        "notice": notice,
        "predecessor": predecessor,
        "changes": rendering.diff_notices(predecessor, notice),
        "in_force": registry.in_force(today),
    }
    return _page(
        request,
        "privacy/diff.html",
        context,
        changed_on=min(notice.effective, today),
        private=not notice.is_published,
    )
