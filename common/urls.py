"""Absolute addresses: links in e-mails, canonical links, the sitemap, reports on paper."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """`path` on the site's address (PILARO_SITE_URL), else on the request's own address.
    With neither, the path as it is (an e-mail then says so by its missing host)."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path) if request is not None else path


def with_query(path: str, query: Mapping[str, object] | None = None) -> str:
    """`path` with `query` encoded after it (none: the path alone)."""
    return f"{path}?{urlencode(query)}" if query else path


def absolute_reverse(viewname: str, *, args=(), query: Mapping[str, object] | None = None) -> str:
    """The absolute address of a named view, with an optional query string."""
    return absolute_url(with_query(reverse(viewname, args=args), query))
