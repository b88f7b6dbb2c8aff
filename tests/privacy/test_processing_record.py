"""The record of processing (GDPR art. 30), generated from the data map: every activity with
every item art. 30(1) asks, the processors, and what the company still has to fill in."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.utils.html import strip_tags

from privacy.datamap import Period, get_data_map
from privacy.record import sentence
from tests.conftest import log_in_verified

pytestmark = pytest.mark.django_db
URL = "/intern/privacy/noticeversion/behandlingsprotokoll/"
# What article 30(1)(b) to (g) asks of each activity, in the record's Norwegian.
ITEMS = (
    "Formål",
    "Rettslig grunnlag",
    "Kategorier av registrerte",
    "Kategorier av personopplysninger",
    "Mottakere",
    "Overføring utenfor EØS",
    "Lagringstid",
)


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("sjef", password="pw")
    log_in_verified(client, user)
    return user


def text(response) -> str:
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def sections(response) -> dict[str, dict[str, str]]:
    """The record's sections by heading, each as its fields (label: text)."""
    html = response.content.decode()
    found = {}
    for heading, body in re.findall(
        r"<section[^>]*>\s*<h2[^>]*>(.*?)</h2>(.*?)</section>", html, re.S
    ):
        fields = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body, re.S)
        found[unescape(heading)] = {
            unescape(strip_tags(k)): " ".join(unescape(strip_tags(v)).split()) for k, v in fields
        }
    return found


def test_every_activity_of_the_map_is_there_with_every_article_30_item(client, superuser):
    found = sections(client.get(URL))

    for activity in get_data_map().activities:
        heading = activity.name + ("" if activity.on_the_site else " (utenfor nettstedet)")
        fields = found[heading]
        assert [item for item in ITEMS if not fields.get(item)] == [], activity.name
        assert fields["Formål"] == activity.purpose
        for period in activity.periods:
            said = sentence(f"{period.said()} ({period.source}).")
            assert said in fields["Lagringstid"], (activity.id, period.key)


def test_an_enforced_period_follows_its_setting(client, superuser, settings):
    settings.CONTACTS_QUARANTINE_RETENTION_DAYS = 21

    page = text(client.get(URL))

    assert "21 dager etter at innsendingen kom inn" in page


def test_missing_company_facts_read_mangler_and_are_listed_to_fill_in(client, superuser, settings):
    settings.COMPANY = {**settings.COMPANY, "org_number": "", "transfers": ""}
    settings.PROCESSORS = {"hosting": {"name": "Drift AS", "agreement": "ja"}, "epost": {}}

    response = client.get(URL)
    page = text(response)

    assert sections(response)["Behandlingsansvarlig"]["Organisasjonsnummer"] == "mangler"
    assert "Drift AS" in page
    assert "Innstilling: organisasjonsnummer (PILARO_COMPANY_ORG_NUMBER)" in page
    assert "PILARO_PROCESSOR_EMAIL" in page and "PILARO_PROCESSOR_HOSTING " not in page
    # The draft's placeholders, with their line numbers.
    assert re.search(r"Utkast 2\.0, linje \d+: \[FYLLES UT AV PILARO: organisasjonsnummer\]", page)


def test_the_security_measures_are_read_from_the_system(client, superuser, settings):
    settings.STAFF_2FA = "optional"
    optional = text(client.get(URL))
    settings.STAFF_2FA = "required"
    required = text(client.get(URL))

    assert "Andre faktor er valgfri" in optional
    assert "Alle ansatte logger inn med passord og en andre faktor" in required
    assert "Revisjonsloggen kan ikke endres eller slettes" in required  # the trigger is there


def test_as_csv_one_row_per_activity(client, superuser):
    response = client.get(URL.rstrip("/") + ".csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))

    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["Behandling", "På nettstedet", "Formål", "Rettslig grunnlag"]
    assert [r[0] for r in rows[1:]] == [a.name for a in get_data_map().activities]
    quarantine = next(r for r in rows if r[0].startswith("Karantene"))
    period = next(
        p for a in get_data_map().activities for p in a.periods if p.key == "quarantine_days"
    )
    assert isinstance(period, Period)
    assert "14 dager etter at innsendingen kom inn" in quarantine[8]
    assert "(PILARO_QUARANTINE_RETENTION_DAYS)" in quarantine[8]


def test_only_those_with_the_permission_see_it(client, alice):
    assert client.get(URL).status_code == 403
    assert "Behandlingsprotokollen" not in client.get("/intern/").content.decode()


def test_the_admin_index_names_what_the_notice_in_force_leaves_out(client, alice):
    from privacy import coverage
    from privacy.registry import get_registry

    in_force = get_registry().in_force()
    missing = [g.name for g in coverage.gaps(in_force, get_data_map()) if g.kind == "missing"]
    page = text(client.get("/intern/"))

    assert missing, "the shipped notice in force (1.x) leaves activities out"
    said = f"Personvernerklæringen som gjelder (versjon {in_force.version}), nevner ikke: "
    assert said + ", ".join(missing) + "." in page
