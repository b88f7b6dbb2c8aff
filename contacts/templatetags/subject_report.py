"""For the access report staff print or save as PDF for a person: a link there must show
the whole address on paper, so it is absolute."""

from __future__ import annotations

from django import template

from common.urls import absolute_url

register = template.Library()


@register.simple_tag(takes_context=True)
def site_url(context: template.Context, path: str) -> str:
    """`path` on the site's address (PILARO_SITE_URL), else on the request's own."""
    return absolute_url(path, context["request"])
