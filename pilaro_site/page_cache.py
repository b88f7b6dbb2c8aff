"""Serve public pages to anonymous readers from memory, before most of the framework runs.

Readers should pay about what a static file costs. A view opts in by setting
`response.anonymous_page_cache = True` on a 200 response whose content depends only on the
date (which notice version is in force) and the deploy. A page with the callback form also
sets `response.anonymous_page_tokens = True`: the cached copy keeps markers in place of
the CSRF and form tokens, and each reader gets fresh ones and their own CSRF cookie.

The middleware stands right after WhiteNoise, so the security headers (CSP, HSTS,
Permissions-Policy, ...) are still added on the way out. It serves only GET and HEAD
without a query string, and only to visitors whose sole cookie (if any) is the CSRF
cookie: staff, with a session, always get the full stack. Off when DJANGO_DEBUG is on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response

CSRF_MARK = "\x00csrf\x00"
FORM_MARK = "\x00form\x00"
_SKIPPED_HEADERS = {"set-cookie", "content-length"}
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_FORM_FIELD = re.compile(r'name="token" value="([^"]+)"')


@dataclass(frozen=True)
class _Entry:
    content: str
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    last_modified: float | None
    has_tokens: bool


_entries: dict[tuple, _Entry] = {}
_lock = threading.Lock()


def clear(**kwargs) -> None:
    with _lock:
        _entries.clear()


# A changed setting (in tests) may change any page.
setting_changed.connect(clear)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def _eligible(self, request: HttpRequest) -> bool:
        return (
            not settings.DEBUG  # in development an edited template shows at once
            and request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
            and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        # The date decides which notice version is in force, so it is part of the key.
        key = (request.path, timezone.localdate())
        entry = _entries.get(key)
        if entry is None:
            response = self.get_response(request)
            if response.status_code == 200 and getattr(response, "anonymous_page_cache", False):
                self._store(key, response)
            return response
        return self._serve(request, entry)

    def _store(self, key: tuple, response: HttpResponse) -> None:
        content = response.content.decode(response.charset)
        tokens = getattr(response, "anonymous_page_tokens", False)
        if tokens:
            csrf_token, form_token = _CSRF_FIELD.search(content), _FORM_FIELD.search(content)
            if not (csrf_token and form_token):
                return
            content = content.replace(csrf_token.group(1), CSRF_MARK)
            content = content.replace(form_token.group(1), FORM_MARK)
        elif "csrfmiddlewaretoken" in content:
            return  # a form the view did not declare: never share its token
        last_modified = response.get("Last-Modified")
        entry = _Entry(
            content=content,
            headers=tuple(
                (name, value)
                for name, value in response.items()
                if name.lower() not in _SKIPPED_HEADERS
            ),
            etag=response.get("ETag"),
            last_modified=_parse_http_date(last_modified) if last_modified else None,
            has_tokens=bool(tokens),
        )
        with _lock:
            if len(_entries) > 200:  # old dates and stray paths: start over
                _entries.clear()
            _entries[key] = entry

    def _serve(self, request: HttpRequest, entry: _Entry) -> HttpResponse:
        content = entry.content
        if entry.has_tokens:
            from contacts.forms import fresh_form_token

            self.csrf.process_request(request)  # reads the visitor's CSRF cookie, if any
            content = content.replace(CSRF_MARK, get_token(request)).replace(
                FORM_MARK, fresh_form_token()
            )
        response = HttpResponse(content)
        for name, value in entry.headers:
            response[name] = value
        if entry.has_tokens:
            return self.csrf.process_response(request, response)  # sets the CSRF cookie
        return get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )


def _parse_http_date(value: str) -> float | None:
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(value)
