"""Times as people read them in the pages and reports about themselves: "25. november 2026
kl. 16.23", Oslo's local time, bokmål month names, a dot in the clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import strip_tags

from contacts.templatetags.norwegian_dates import (
    html_datetime,
    norwegian_date,
    norwegian_datetime,
)
from tests.contacts.factories import make_enquiry

UTC = dt.UTC
WINTER_UTC = dt.datetime(2026, 11, 25, 15, 23, 10, 305152, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "said"),
    [
        # Winter: Oslo is UTC+1. Seconds and microseconds are not shown.
        (WINTER_UTC, "25. november 2026 kl. 16.23"),
        # Summer time: UTC+2.
        (dt.datetime(2026, 7, 4, 21, 5, tzinfo=UTC), "4. juli 2026 kl. 23.05"),
        # Midnight in Oslo is the next day there; a single-digit day has no leading zero.
        (dt.datetime(2026, 2, 28, 23, 0, tzinfo=UTC), "1. mars 2026 kl. 00.00"),
        # The night the clocks go forward: 01.00 UTC is 03.00 in Oslo, not 02.00.
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29. mars 2026 kl. 03.00"),
        # A time as the JSON download holds it (ISO 8601 with its offset).
        ("2026-11-25T16:23:10.305152+01:00", "25. november 2026 kl. 16.23"),
        (None, ""),
    ],
)
def test_a_time_is_said_in_norwegian_in_oslo_time(when, said):
    assert norwegian_datetime(when) == said


def test_the_month_is_norwegian_whatever_language_is_active():
    with translation.override("en"):
        said = norwegian_datetime(dt.datetime(2026, 5, 17, 8, 0, tzinfo=UTC))

    assert said == "17. mai 2026 kl. 10.00"


def test_a_day_is_the_day_in_oslo():
    assert norwegian_date(dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. januar 2027"
    assert norwegian_date(dt.date(2026, 6, 9)) == "9. juni 2026"


def test_templates_use_it_as_filters():
    template = Template(
        "{% load norwegian_dates %}{{ when|norwegian_datetime }} / {{ when|norwegian_date }}"
    )

    said = template.render(Context({"when": dt.datetime(2026, 11, 25, 15, 23, tzinfo=UTC)}))

    assert said == "25. november 2026 kl. 16.23 / 25. november 2026"


def test_the_machine_readable_time_is_valid_html_to_the_second():
    """HTML's <time datetime> allows at most three digits of a second's fraction."""
    assert html_datetime(WINTER_UTC) == "2026-11-25T16:23:10+01:00"
    assert html_datetime("2026-07-04T21:05:00.123456+00:00") == "2026-07-04T23:05:00+02:00"
    assert html_datetime(None) == ""


@pytest.mark.django_db
def test_the_person_s_own_pages_say_times_the_same_way():
    """The self-service overview and copy list enquiries with this template."""
    enquiry = make_enquiry(received_at=WINTER_UTC, marketing=True)

    html = render_to_string("selfservice/_enquiries.html", {"enquiries": [enquiry]})

    text = strip_tags(html)
    assert text.count("25. november 2026 kl. 16.23") == 3  # received, two consents given
    assert "16:23" not in text and "2026-11-25" not in text
