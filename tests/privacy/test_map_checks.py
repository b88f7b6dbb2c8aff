"""The system checks that hold the notices to the data map (privacy/map_checks.py): a
period a notice states must be the one the site enforces, a version being published may
leave nothing out, and the version in force's omissions are warnings, never a stop."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks

from privacy import coverage
from privacy.datamap import get_data_map
from privacy.registry import get_registry
from tests.conftest import declarations

# Whether a notice is in force or upcoming depends on the day: run on a day after 1.0
# below took effect and before 1.1 does, whatever the clock says.
pytestmark = pytest.mark.time_machine(dt.datetime(2026, 6, 1, 12, tzinfo=ZoneInfo("Europe/Oslo")))


def write_notice(notice_dir, version: str, effective: str, days: int, max_days: int, **kw):
    """A published version whose declarations promise these periods (spam: 30 days)."""
    periods = {"days_after_last_activity": days, "max_days": max_days, "spam_days": 30}
    notice_dir.write(
        version, effective, side_file=declarations(version, enforced_retention=periods), **kw
    )


def messages(*, deploy: bool = False) -> list[str]:
    return [
        f"{m.id} {m.msg}"
        for m in run_checks(tags=["privacy", "contacts"], include_deployment_checks=deploy)
        if m.id.startswith(("privacy.E03", "privacy.W03", "contacts.E003"))
    ]


def ids(found: list[str]) -> list[str]:
    return sorted({m.split(" ", 1)[0] for m in found})


def test_a_notice_in_force_that_promises_other_periods_fails_the_check(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 365
    settings.CONTACTS_SPAM_RETENTION_DAYS = 30
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    found = messages()

    assert ids(found) == ["privacy.E035"]
    assert found == [
        "privacy.E035 Notice version 1.0: activity 'henvendelser' (Svare på henvendelser) "
        "declares days_after_last_activity=180, the site enforces 365 (PILARO_RETENTION_DAYS)."
    ]


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

    assert ids(found) == ["privacy.W036"]
    assert "Notice version 1.1" in found[0] and "days_after_last_activity=365" in found[0]


def test_a_different_spam_period_is_reported(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    settings.CONTACTS_SPAM_RETENTION_DAYS = 90
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    found = messages()

    assert ids(found) == ["privacy.E035"]
    assert "spam_days=30, the site enforces 90" in found[0]


def test_the_omissions_of_the_version_in_force_are_deploy_warnings_only(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730)

    plain, deploy = messages(), messages(deploy=True)

    assert plain == []
    assert set(ids(deploy)) == {"privacy.W033"}
    left_out = {m.split("'")[1] for m in deploy if "is not declared" in m}
    declared = {"henvendelser", "markedsforing"}
    assert left_out == {a.id for a in get_data_map().concerning_visitors()} - declared


def test_a_version_being_published_may_leave_nothing_out(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 180
    settings.CONTACTS_RETENTION_MAX_DAYS = 730
    write_notice(notice_dir, "1.0", "2026-01-01", 180, 730, record=False)

    found = messages()

    assert "privacy.E032" in ids(found)
    assert any("activity 'karantene'" in m and "is not declared" in m for m in found)


def test_a_consent_the_form_cannot_store_is_reported(notice_dir):
    side = declarations("1.0")
    side["form"]["consents"][1]["purpose"] = "profiling"
    notice_dir.write("1.0", "2026-01-01", side_file=side)

    assert any(
        m.startswith("contacts.E003 Notice version 1.0 asks consent for 'profiling'")
        for m in messages()
    )


def test_a_fact_the_map_does_not_provide_is_reported(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write(
        "2.0", "2027-01-01", status="draft", body="Tekst.\n\n[[informasjonskapsler]]\n\n[[vær]]\n"
    )

    found = [m for m in messages() if m.startswith("privacy.E034")]

    assert (
        found
        == [
            "privacy.E034 Notice version 2.0 names the fact [[vær]], which the data map does "
            "not provide."
        ]
        or found == []
    )  # a marker with letters outside a-z is plain text, not a fact


def test_the_shipped_draft_leaves_nothing_of_the_map_out():
    """Derived from the map, not from a list here: every activity that concerns visitors is
    in draft 2.0 with each enforced period declared as enforced and said in its text."""
    draft = get_registry().get("2.0")

    assert coverage.gaps(draft, get_data_map()) == []


def test_an_activity_that_applies_while_a_field_is_set_names_an_enquiry_field_it_stores():
    from contacts.models import Enquiry
    from privacy.datamap import get_data_map

    named = [a for a in get_data_map().activities if a.applies_while_set]
    fields = {f.name for f in Enquiry._meta.get_fields()}

    assert {a.id for a in named} >= {"forbedring", "rettskrav"}
    for activity in named:
        model, _, field = activity.applies_while_set.rpartition(".")
        assert (model, field in fields) == ("contacts.Enquiry", True), activity.id
        assert activity.applies_while_set in activity.stores, activity.id
