"""Reading the admin inbox's HTML: its rows, in order, and one enquiry's row."""

from __future__ import annotations

import re

from contacts.models import Enquiry


def ordered(response) -> list[int]:
    """The listed enquiries' ids, top to bottom."""
    html = response.content.decode()
    return [int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html)]


def row(response, enquiry: Enquiry) -> str:
    """The HTML of `enquiry`'s row."""
    html = response.content.decode()
    start = html.index(f'name="_selected_action" value="{enquiry.pk}"')
    return html[start : html.index("</tr>", start)]
