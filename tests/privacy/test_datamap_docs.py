"""docs/declarations.md's table of the periods a notice declares is the data map's."""

from __future__ import annotations

import re

from privacy.datamap import get_data_map
from tests.site.conftest import ROOT


def test_the_documented_periods_are_the_maps():
    text = (ROOT / "docs" / "declarations.md").read_text()
    documented = set(re.findall(r"^\| ([a-z-]+) \| `([a-z_]+)` \| (\w+) \|", text, flags=re.M))
    in_map = {
        (activity.id, period.key, period.unit)
        for activity in get_data_map().activities
        for period in activity.periods
        if activity.concerns_visitors
    }

    assert documented == in_map
