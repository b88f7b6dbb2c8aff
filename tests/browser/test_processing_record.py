"""The record of processing activities (GDPR art. 30(1)) in Chromium, as the staff member
who may see it opens it from the admin: every activity of the site's data map with the
items the article asks for, no WCAG violation, and the same activities in its CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from playwright.sync_api import expect

from privacy.datamap import get_data_map
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import violations
from tests.privacy.test_processing_record import ITEMS as ARTICLE_30_ITEMS


@pytest.fixture
def record_keeper(saksbehandler):
    permission = Permission.objects.get(
        content_type__app_label="privacy", codename="view_processing_record"
    )
    saksbehandler.user_permissions.add(permission)
    return saksbehandler


def test_the_record_lists_every_activity_of_the_map_with_its_article_30_items(
    site, new_page, record_keeper
):
    activities = get_data_map().activities
    page = new_page()
    log_in(page, site, record_keeper)

    page.goto(site + reverse("admin:privacy_processing_record"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Behandlingsprotokoll")
    expect(page.get_by_role("heading", name="Behandlingsansvarlig")).to_be_visible()
    security = page.get_by_role("heading", name="Tekniske og organisatoriske sikkerhetstiltak")
    expect(security).to_be_visible()
    for activity in activities:
        section = page.locator("section", has=page.get_by_role("heading", name=activity.name))
        expect(section).to_have_count(1)
        terms = section.locator("dt").all_inner_texts()
        assert terms[: len(ARTICLE_30_ITEMS)] == list(ARTICLE_30_ITEMS), activity.id
        values = section.locator("dd").all_inner_texts()
        assert all(v.strip() for v in values), f"{activity.id}: an item is empty"
    found = violations(page)
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)
    assert page.console.errors == []


def test_the_record_downloads_as_csv_with_the_same_activities(site, new_page, record_keeper):
    page = new_page()
    log_in(page, site, record_keeper)
    page.goto(site + reverse("admin:privacy_processing_record"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned som CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")

    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:4] == ["Behandling", "På nettstedet", "Formål", "Rettslig grunnlag"]
    assert [row[0] for row in rows] == [a.name for a in get_data_map().activities]


def test_staff_without_the_permission_get_no_record(site, new_page, saksbehandler):
    page = new_page()
    log_in(page, site, saksbehandler)

    response = page.goto(site + reverse("admin:privacy_processing_record"))

    assert response.status == 403
