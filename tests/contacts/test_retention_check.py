"""The system check that a notice promises the retention periods the site enforces."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks

from tests.conftest import declarations

# Whether a notice is in force (an error) or upcoming (a warning) depends on the day: run
# on a day after 1.0 below took effect and before 1.1 does, whatever the clock says.
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Oslo")))


def write_notice(notice_dir, version: str, effective: str, days: int, max_days: int) -> None:
    """A published version whose declarations promise these periods (spam: 30 days)."""
    periods = {"days_after_last_activity": days, "max_days": max_days, "spam_days": 30}
    notice_dir.write(
        version, effective, side_file=declarations(version, enforced_retention=periods)
    )


def messages() -> list[str]:
    return [f"{m.id} {m.msg}" for m in run_checks(tags=["contacts"])]


def test_a_notice_in_force_that_promises_other_periods_fails_the_check(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 365
    settings.CONTACTS_SPAM_RETENTION_DAYS = 30
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    found = messages()

    assert [m.split(" ", 1)[0] for m in found] == ["contacts.E001"]
    assert found[0].startswith("contacts.E001 Notice version 1.0 declares retention")


def test_a_notice_that_promises_what_is_enforced_passes(notice_dir, settings):
    settings.CONTACTS_SPAM_RETENTION_DAYS = 30
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    assert messages() == []


def test_an_upcoming_notice_that_promises_other_periods_is_a_warning(notice_dir, settings):
    settings.CONTACTS_SPAM_RETENTION_DAYS = 30
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)
    write_notice(notice_dir, "1.1", "2026-12-01", 365, 730)

    found = messages()

    assert [m.split(" ", 1)[0] for m in found] == ["contacts.W001"]
    assert found[0].startswith("contacts.W001 Notice version 1.1 declares retention")


def test_the_shipped_draft_promises_the_periods_the_site_enforces(settings):
    from privacy.registry import get_registry

    draft = get_registry().get("2.0")

    assert draft.declarations.enforced_retention == {
        "days_after_last_activity": settings.CONTACTS_RETENTION_DAYS,
        "max_days": settings.CONTACTS_RETENTION_MAX_DAYS,
        "spam_days": settings.CONTACTS_SPAM_RETENTION_DAYS,
    }


def test_a_different_spam_period_is_reported(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    settings.CONTACTS_SPAM_RETENTION_DAYS = 90
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    found = messages()

    assert [m.split(" ", 1)[0] for m in found] == ["contacts.E001"]
    assert "'spam_days': 30" in found[0]


def test_a_consent_the_form_cannot_store_is_reported(notice_dir):
    side = declarations("1.0")
    side["form"]["consents"][1]["purpose"] = "profiling"
    notice_dir.write("1.0", "2026-01-01", side_file=side)

    assert any(
        m.startswith("contacts.E003 Notice version 1.0 asks consent for 'profiling'")
        for m in messages()
    )
