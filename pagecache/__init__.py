"""Pages shared by every anonymous reader, served from memory before most of the framework.

Readers should pay about what a static file costs. A view opts in where it is defined:

    @shared_page()
    def thanks(request): ...

    @shared_page(per_reader=[FORM_TOKEN])      # a page with a form on it
    def contact(request): ...

A shared page's content may depend only on the date (which notice version is in force)
and the deploy, and the view returns a `TemplateResponse`. Values that must differ per
reader (the CSRF token, always; a form's own token, declared with `per_reader`) are
rendered as markers; every reader, served from memory or not, gets fresh ones, and their
own CSRF cookie. A page without such values is served with an ETag and answers a
conditional GET with 304.

`PageCacheMiddleware` stands right after WhiteNoise, so the security headers (CSP, HSTS,
Permissions-Policy, ...) are still added on the way out. It stores and serves only GET
and HEAD without a query string, and only for visitors whose sole cookie (if any) is the
CSRF cookie: staff, with a session, always get the full stack. A response marked
`Cache-Control: private` (a draft shown to staff) is never stored. Nothing is stored when
DJANGO_DEBUG is on, so an edited template shows at once.

An answer that is the same for every reader but is not a GET's page (the callback form's
429, which a flood repeats) is rendered once per host, path and day with
`shared_render(request, template_name, status=...)`, and served from memory after.

Why not Django's cache framework: `cache_page` runs after every middleware (sessions,
authentication, CSRF), which is most of the cost, and cannot give each reader a token of
their own in a shared page.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe, quote_etag

from pagecache import csrf
from pagecache.csrf import masked_token

_SAFE = ("GET", "HEAD")
_SKIPPED_HEADERS = {"set-cookie", "content-length"}
MAX_ENTRIES = 200  # hosts, paths and days; past this (old dates, stray paths) start over


@dataclass(frozen=True)
class PerReader:
    """A value that each reader of a shared page gets fresh, such as a form's token."""

    marker: str  # rendered in the shared copy in place of the value
    mark: Callable[[dict], None]  # puts the marker into the page's template context
    fresh: Callable[[HttpRequest], str]  # the value for one reader


def _mark_csrf(context: dict) -> None:
    context["csrf_token"] = CSRF_TOKEN.marker  # what {% csrf_token %} renders


CSRF_TOKEN = PerReader(marker="\x00pagecache:csrf\x00", mark=_mark_csrf, fresh=masked_token)


@dataclass(frozen=True)
class Policy:
    per_reader: tuple[PerReader, ...]


def shared_page(*, per_reader: Iterable[PerReader] = ()) -> Callable:
    """Declare a view's page the same for every anonymous reader on a given day."""
    policy = Policy(per_reader=(CSRF_TOKEN, *per_reader))

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if request.method in _SAFE and isinstance(response, TemplateResponse):
                context = response.context_data = dict(response.context_data or {})
                for value in policy.per_reader:
                    value.mark(context)
            return response

        wrapped.shared_page = policy  # read by the middleware, as csrf_exempt is by Django's
        return wrapped

    return decorator


@dataclass(frozen=True)
class _Entry:
    # The page cut at its markers: parts[0], then slots[0]'s value, parts[1], ... Bytes,
    # so that serving a reader joins a few pieces instead of searching and encoding.
    parts: tuple[bytes, ...]
    slots: tuple[PerReader, ...]
    headers: tuple[tuple[str, str], ...]
    distinct: tuple[PerReader, ...]  # each slot once: one fresh value per reader and kind
    etag: str | None
    last_modified: int | None


_entries: dict[tuple, _Entry] = {}
_rendered: dict[tuple, bytes] = {}  # shared_render's
_lock = threading.Lock()


def clear(**kwargs) -> None:
    with _lock:
        _entries.clear()
        _rendered.clear()


# A changed setting (in tests) may change any page.
setting_changed.connect(clear)


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def _eligible(self, request: HttpRequest) -> bool:
        return (
            not settings.DEBUG
            and request.method in _SAFE
            and not request.META.get("QUERY_STRING")
            and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A page from memory is still only for a host we serve (DisallowedHost: 400), and
        # only for the host and scheme it was built for: a page may name its own address
        # (a canonical link taken from the request when PILARO_SITE_URL is unset). The date
        # decides which notice version is in force.
        host = request.get_host()
        key = (
            (request.scheme, host, request.path, timezone.localdate())
            if self._eligible(request)
            else None
        )
        entry = _entries.get(key) if key else None
        if entry is not None:
            self.csrf.process_request(request)  # reads the visitor's CSRF cookie, if any
            response = HttpResponse()
            for name, value in entry.headers:
                response[name] = value
            return self._serve(request, response, entry)
        response = self.get_response(request)
        policy = _policy_of(request)
        if policy is None or request.method not in _SAFE or response.status_code != 200:
            return response
        entry = _entry(response, policy)
        if key and _shareable(response):
            with _lock:
                if len(_entries) >= MAX_ENTRIES:
                    _entries.clear()
                _entries[key] = entry
        return self._serve(request, response, entry)

    def _serve(self, request: HttpRequest, response: HttpResponse, entry: _Entry) -> HttpResponse:
        if entry.slots:
            values = {slot: slot.fresh(request).encode() for slot in entry.distinct}
            pieces = [entry.parts[0]]
            for slot, part in zip(entry.slots, entry.parts[1:], strict=True):
                pieces += (values[slot], part)
            response.content = b"".join(pieces)
        else:
            response.content = entry.parts[0]
        if response.has_header("Content-Length"):  # set below us for the marked content
            response["Content-Length"] = str(len(response.content))
        if CSRF_TOKEN in entry.slots:
            return csrf.set_cookie(request, response)  # the reader's CSRF cookie
        if entry.etag:
            response["ETag"] = entry.etag
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )


def _policy_of(request: HttpRequest) -> Policy | None:
    match = getattr(request, "resolver_match", None)
    return getattr(match.func, "shared_page", None) if match else None


def _entry(response: HttpResponse, policy: Policy) -> _Entry:
    by_marker = {value.marker.encode(): value for value in policy.per_reader}
    pattern = re.compile(b"(" + b"|".join(re.escape(marker) for marker in by_marker) + b")")
    pieces = pattern.split(response.content)  # text, marker, text, marker, ..., text
    slots = tuple(by_marker[marker] for marker in pieces[1::2])
    last_modified = response.get("Last-Modified")
    return _Entry(
        parts=tuple(pieces[0::2]),
        slots=slots,
        distinct=tuple(dict.fromkeys(slots)),
        headers=tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in _SKIPPED_HEADERS
        ),
        # A page with per-reader values differs for every reader: no ETag.
        etag=None if slots else quote_etag(hashlib.sha256(response.content).hexdigest()[:32]),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
    )


def _shareable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        "private" not in cache_control
        and "no-store" not in cache_control
        and set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    )


def shared_render(request: HttpRequest, template_name: str, *, status: int) -> HttpResponse:
    """`render(request, template_name, status=status)` for a template whose page holds
    nothing of its reader's (no form, no CSRF token, no user): rendered once per scheme,
    host, path and day (a page names its own address, and the date decides which notice
    version it links to), then served from memory. Nothing is kept when DJANGO_DEBUG is on."""
    key = (template_name, status, request.scheme, request.get_host(), request.path)
    key += (timezone.localdate(),)
    content = _rendered.get(key)
    if content is None:
        token_asked = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        response = render(request, template_name, status=status)
        # A page that asked for the reader's CSRF token is theirs alone: never kept.
        if settings.DEBUG or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") != token_asked:
            return response
        content = response.content
        with _lock:
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = content
    return HttpResponse(content, status=status)
