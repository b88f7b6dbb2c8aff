"""The notice pages over a temporary set of versions, with the date frozen."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.conftest import log_in_verified

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


def on(day: str, hour: int = 12):
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=OSLO))


@pytest.fixture
def three_versions(notice_dir):
    notice_dir.write("1.0", "2026-01-01", summary="Første versjon.")
    notice_dir.write(
        "1.1",
        "2026-06-01",
        summary="Retter en skrivefeil.",
        body="Innledning.\n\n## Hva vi samler inn\n\nNavn, e-post og telefon.\n",
    )
    notice_dir.write("2.0", "2027-01-01", status="draft", summary="Utkast.")
    return notice_dir


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("alice", password="pw", is_staff=True)
    log_in_verified(client, user)
    return client


def test_the_list_shows_every_published_version_and_which_is_in_force(client, three_versions):
    with on("2026-07-01"):
        html = client.get("/personvern/versjoner/").content.decode()

    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert [re.search(r"Versjon ([\d.]+)", row).group(1) for row in rows] == ["1.1", "1.0"]
    assert "Gjeldende" in rows[0] and "Retter en skrivefeil." in rows[0]
    assert "Tidligere" in rows[1] and "1. januar 2026" in rows[1]
    assert "2.0" not in html


def test_an_earlier_version_carries_a_banner_linking_to_the_version_in_force(
    client, three_versions
):
    with on("2026-07-01"):
        html = client.get("/personvern/versjoner/1.0/").content.decode()

    assert "Dette er en tidligere versjon." in html
    assert '<a href="/personvern/">Les gjeldende versjon (1.1)</a>' in html
    assert "Du kan be om innsyn i versjon 1.0." in html


def test_the_version_in_force_has_no_old_version_banner(client, three_versions):
    with on("2026-07-01"):
        html = client.get("/personvern/").content.decode()

    assert "Versjon 1.1" in html
    assert "tidligere versjon" not in html


def test_the_diff_marks_removed_and_added_text_without_relying_on_colour(client, three_versions):
    with on("2026-07-01"):
        response = client.get("/personvern/versjoner/1.1/endringer/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<ins><span class="visually-hidden">Lagt til: </span> og telefon</ins>' in html
    assert '<del><span class="visually-hidden">Fjernet: </span>Dine rettigheter</del>' in html
    assert "Fjernet under «Dine rettigheter»" in html
    assert "Gjennomstreket tekst</del> er fjernet" in html  # the legend


def test_the_first_version_has_no_diff(client, three_versions):
    assert client.get("/personvern/versjoner/1.0/endringer/").status_code == 404


def test_an_upcoming_version_is_announced_and_takes_over_at_midnight_in_oslo(client, notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-12-01", summary="Ny versjon.")

    with on("2026-11-30", hour=23):
        current = client.get("/personvern/").content.decode()
        listing = client.get("/personvern/versjoner/").content.decode()
        upcoming = client.get("/personvern/versjoner/1.1/").content.decode()
    # 23:30 UTC on 30 November is 00:30 on 1 December in Oslo.
    with time_machine.travel(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)):
        after = client.get("/personvern/").content.decode()

    assert "Versjon 1.0" in current
    assert (
        'En ny versjon gjelder fra <a href="/personvern/versjoner/1.1/">1. desember 2026</a>'
        in current
    )
    assert "Kommende" in listing
    assert "Denne versjonen gjelder fra 1. desember 2026" in upcoming
    assert "Versjon 1.1" in after and "En ny versjon" not in after


def test_a_draft_is_hidden_from_the_public(client, three_versions):
    with on("2026-07-01"):
        assert client.get("/personvern/versjoner/2.0/").status_code == 404
        assert client.get("/personvern/versjoner/2.0/endringer/").status_code == 404
        assert "2.0" not in client.get("/personvern/versjoner/").content.decode()


def test_a_staff_session_with_the_password_only_sees_no_draft(client, three_versions):
    user = get_user_model().objects.create_user("bob", password="pw", is_staff=True)
    client.force_login(user)  # the password, not the second factor

    with on("2026-07-01"):
        assert client.get("/personvern/versjoner/2.0/").status_code == 404
        assert "2.0" not in client.get("/personvern/versjoner/").content.decode()
        preview = client.post("/kontakt/forhandsvisning/2.0/", {})

    assert preview.status_code == 302
    assert preview["Location"].startswith("/intern/login/")


def test_staff_can_preview_a_draft(staff_client, three_versions):
    with on("2026-07-01"):
        response = staff_client.get("/personvern/versjoner/2.0/")
        diff = staff_client.get("/personvern/versjoner/2.0/endringer/")
        listing = staff_client.get("/personvern/versjoner/").content.decode()

    assert response.status_code == 200
    assert "Utkast, ikke publisert." in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert diff.status_code == 200
    assert "Utkast (bare synlig for ansatte)" in listing


@pytest.mark.parametrize(
    "url",
    [
        "/personvern/versjoner/9.9/",
        "/personvern/versjoner/1/",
        "/personvern/versjoner/abc/",
        "/personvern/versjoner/../../etc/passwd",
        "/personvern/versjoner/1.0%2F..%2F..%2Fsettings/",
        "/personvern/versjoner/9.9/endringer/",
    ],
)
def test_an_unknown_version_is_a_404(client, three_versions, url):
    assert client.get(url).status_code == 404


def test_a_conditional_get_with_the_etag_answers_304(client, three_versions):
    with on("2026-07-01"):
        first = client.get("/personvern/")
        again = client.get("/personvern/", headers={"if-none-match": first["ETag"]})
        by_date = client.get("/personvern/", headers={"if-modified-since": first["Last-Modified"]})

    assert first.status_code == 200
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert again.status_code == 304
    assert again.content == b""
    assert by_date.status_code == 304


def test_the_etag_changes_when_another_version_comes_into_force(client, notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("1.1", "2026-12-01")

    with on("2026-11-30"):
        before = client.get("/personvern/")
    with on("2026-12-01"):
        after = client.get("/personvern/", headers={"if-none-match": before["ETag"]})

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]


def test_rendering_happens_once_per_version_not_per_request(client, notice_dir):
    from unittest import mock

    from privacy import rendering

    notice_dir.write(
        "1.0", "2026-01-01", body="Tekst som bare denne testen bruker.\n\n## Del\n\nMer.\n"
    )
    with mock.patch.object(rendering, "_convert", wraps=rendering._convert) as convert:
        # A query string keeps the page cache out of it: every request reaches the view.
        for i in range(5):
            assert client.get("/personvern/", {"n": i}).status_code == 200
        assert client.get("/personvern/versjoner/1.0/").status_code == 200

    assert convert.call_count == 1
