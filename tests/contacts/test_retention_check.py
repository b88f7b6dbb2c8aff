from __future__ import annotations

import textwrap

from django.core.checks import run_checks


def retention_front_matter(version: str, effective: str, days: int, max_days: int) -> str:
    return textwrap.dedent(
        f"""\
        version: "{version}"
        effective: {effective}
        status: published
        summary: "Lagringstider."
        retention:
          enquiry_days_after_last_activity: {days}
          enquiry_max_days: {max_days}
        """
    )


def messages() -> list[str]:
    return [f"{m.id} {m.msg}" for m in run_checks(tags=["contacts"])]


def test_a_notice_in_force_that_promises_other_periods_fails_the_check(notice_dir):
    notice_dir.write(
        "1.0", "2026-01-01", front_matter=retention_front_matter("1.0", "2026-01-01", 180, 730)
    )

    found = messages()

    assert any(m.startswith("contacts.E001 Notice version 1.0 promises retention") for m in found)


def test_a_notice_that_promises_what_is_enforced_passes(notice_dir, settings):
    settings.CONTACTS_RETENTION_DAYS = 180
    notice_dir.write(
        "1.0", "2026-01-01", front_matter=retention_front_matter("1.0", "2026-01-01", 180, 730)
    )

    assert [m for m in messages() if m.startswith("contacts.E")] == []


def test_the_shipped_draft_promises_the_periods_the_site_enforces(settings):
    from privacy.registry import get_registry

    draft = get_registry().get("2.0")

    assert draft.retention == {
        "enquiry_days_after_last_activity": settings.CONTACTS_RETENTION_DAYS,
        "enquiry_max_days": settings.CONTACTS_RETENTION_MAX_DAYS,
    }
