"""Every model field that can hold personal data is in the data map: a new column cannot
slip in undeclared (privacy.E030), and the map names no field that does not exist."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import models

from privacy.datamap import get_data_map
from privacy.map_checks import may_hold_personal_data, unknown_fields, unmapped_fields
from tests.site.conftest import ROOT

ADD_A_FIELD = """
import django
django.setup()
from django.core.management import call_command
from django.db import models
from contacts.models import Enquiry
{add}
call_command("check")
"""


def check_with(add: str) -> subprocess.CompletedProcess[str]:
    """`manage.py check` in a fresh process, after `add` ran against the models."""
    return subprocess.run(
        [sys.executable, "-c", ADD_A_FIELD.format(add=add)],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_unmapped_personal_data_field_fails_the_check_naming_it():
    added = check_with(
        'models.CharField("kallenavn", max_length=50, blank=True)'
        '.contribute_to_class(Enquiry, "nickname")'
    )
    untouched = check_with("")

    assert untouched.returncode == 0, untouched.stderr[-2000:]
    assert added.returncode != 0
    assert "(privacy.E030) contacts.Enquiry.nickname can hold personal data" in added.stderr


def test_the_map_names_only_fields_that_exist_and_misses_none():
    assert unknown_fields(get_data_map()) == []
    assert unmapped_fields(get_data_map()) == []


@pytest.mark.parametrize(
    ("field", "personal"),
    [
        (models.CharField(max_length=10), True),
        (models.EmailField(), True),
        (models.GenericIPAddressField(), True),
        (models.JSONField(), True),
        (models.CharField(max_length=10, choices=[("a", "A")]), False),
        (models.DateTimeField(), False),
        (models.IntegerField(), False),
    ],
)
def test_what_counts_as_a_field_that_can_hold_personal_data(field, personal):
    assert may_hold_personal_data(field) is personal
