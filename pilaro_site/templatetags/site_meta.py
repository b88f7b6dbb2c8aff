"""What the page's <head> tells search engines and link previews: the canonical address,
the title and description once for both <title> and Open Graph, the Organization data."""

from __future__ import annotations

import json
from html import unescape

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

from common.urls import absolute_url
from pilaro_site import seo

register = template.Library()

# As Django's json_script escapes: no "</script>" (or "<!--") can end the data block early,
# whatever a company name contains.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context: template.Context) -> str:
        # Plain text, escaped again wherever it is used (an attribute included).
        text = unescape(strip_tags(self.nodelist.render(context)))
        context[self.name] = " ".join(text.split())
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> CaptureNode:
    """`{% capture as name %}…{% endcapture %}`: render once (a block, say), use twice.
    A `{% block %}` inside stays overridable by the templates that extend this one."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def canonical_url(context: template.Context) -> str:
    request = context["request"]
    return absolute_url(request.path, request)


@register.simple_tag(takes_context=True)
def organization_json_ld(context: template.Context) -> SafeString:
    """A data block, which browsers never run: CSP's script-src does not apply to it."""
    data = json.dumps(seo.organization(context["request"]), ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(data.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )
