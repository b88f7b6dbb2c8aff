"""For the admin index: what the notice in force leaves out of the data map."""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured

from privacy import coverage, registry
from privacy.datamap import get_data_map

register = template.Library()


@register.simple_tag
def notice_gaps() -> dict | None:
    """The version in force and its gaps by kind, in Norwegian; None when it has none."""
    try:
        notice = registry.get_registry().in_force()
    except ImproperlyConfigured:
        return None
    if notice is None:
        return None
    gaps = coverage.gaps(notice, get_data_map())
    if not gaps:
        return None
    by_kind: dict[str, list[str]] = {}
    for gap in gaps:
        names = by_kind.setdefault(gap.kind, [])
        if gap.name not in names:
            names.append(gap.name)
    return {
        "version": notice.version,
        "missing": by_kind.get(coverage.MISSING, []),
        "periods": [
            *by_kind.get(coverage.UNDECLARED, []),
            *by_kind.get(coverage.UNSAID, []),
            *by_kind.get(coverage.DIFFERENT, []),
        ],
        "unknown": by_kind.get(coverage.UNKNOWN, []),
    }
