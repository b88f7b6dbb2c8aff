from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def enquiry_counts() -> dict[str, int]:
    from contacts.admin import enquiry_counts as counts

    return counts()
