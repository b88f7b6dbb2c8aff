"""The consent records the notice version the visitor was shown, not the one in force later."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from contacts.models import Consent

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def test_a_notice_change_between_render_and_submit_records_the_rendered_version(
    client, notice_dir
):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-12-01")
    before_midnight = dt.datetime(2026, 11, 30, 23, 58, tzinfo=OSLO)

    with time_machine.travel(before_midnight):
        html = client.get("/kontakt/").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    with time_machine.travel(before_midnight + dt.timedelta(minutes=5)):
        response = client.post(
            "/kontakt/",
            {
                "name": "Kari",
                "email": "kari@example.no",
                "phone": "91234567",
                "consent_enquiry": "on",
                "token": token,
            },
        )
        assert "versjon 1.1" in client.get("/kontakt/").content.decode()

    assert response.status_code == 303
    consent = Consent.objects.get(purpose="enquiry")
    assert consent.notice_version.version == "1.0"
    assert "personvernerklæringen (versjon 1.0)" in consent.label_text
