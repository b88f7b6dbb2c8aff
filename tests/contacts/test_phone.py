"""Phone numbers: strict for what the form stores, lenient for what staff search with."""

from __future__ import annotations

import pytest

from contacts import phone


@pytest.mark.parametrize("typed", ["912 34 567", "+47 912 34 567", "0047 91234567", "91234567"])
def test_any_way_of_typing_a_norwegian_mobile_gives_one_e164(typed):
    assert phone.for_storage(typed) == phone.for_search(typed) == "+4791234567"


@pytest.mark.parametrize("typed", ["12", "abc", "", "+47 123"])
def test_what_is_not_a_phone_number_is_neither_stored_nor_searched(typed):
    assert phone.for_storage(typed) is None
    assert phone.for_search(typed) is None


def test_a_possible_but_unassigned_number_is_searchable_but_not_stored():
    # Norwegian numbers starting with 1 are not in use: the right length, but not valid.
    assert phone.for_storage("123 45 678") is None
    assert phone.for_search("123 45 678") == "+4712345678"
