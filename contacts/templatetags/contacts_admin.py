from __future__ import annotations

from django import template

from contacts.models import Enquiry

register = template.Library()


@register.simple_tag
def enquiry_counts() -> dict[str, int]:
    return Enquiry.objects.index_counts()
