"""The notice as shipped: version 1.0 is the company's text, 1.1 fixes two slips."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from privacy import rendering
from privacy.registry import get_registry

SEED = Path(__file__).parent / "data" / "seed-personvernerklaering.txt"


def words(text: str) -> list[str]:
    """The words of a text, with Markdown's heading and table syntax taken out."""
    text = re.sub(r"^\|?\s*-{3,}.*$", " ", text, flags=re.M)
    return re.sub(r"[#|]", " ", text).split()


def test_version_1_0_keeps_every_word_of_the_source_without_the_pixel_residue():
    seed_lines = SEED.read_text().splitlines()
    assert seed_lines[0] == "fbpx"
    # The flattened table glued its cells together ("FormålRettslig"): compare characters.
    seed = "".join("\n".join(seed_lines[1:]).split())
    notice = get_registry().get("1.0")

    assert "".join(words(notice.body)) == seed
    assert "fbpx" not in notice.body


def test_version_1_1_corrects_exactly_the_two_slips():
    registry = get_registry()
    changes = rendering.diff_notices(registry.get("1.0"), registry.get("1.1"))

    assert [change.kind for change in changes] == ["changed", "changed"]
    marked = [
        re.findall(r"<(del|ins)><span[^>]*>[^<]*</span>([^<]*)</", str(c.html)) for c in changes
    ]
    assert marked == [[("del", "etter å"), ("ins", "eller")], [("del", " vi")]]
    assert (
        registry.get("1.1").effective.toordinal() - registry.get("1.0").effective.toordinal() == 30
    )


def test_the_draft_2_0_stays_unpublished():
    draft = get_registry().get("2.0")

    assert draft is not None and not draft.is_published
    assert draft not in get_registry().published


def test_the_shipped_notice_files_pass_the_system_checks():
    call_command("check", "--fail-level", "WARNING")


@pytest.mark.django_db
# 1.0 took effect on 1 November 2026 and 1.1 takes over on 1 December.
@pytest.mark.time_machine(dt.datetime(2026, 11, 15, 12, tzinfo=ZoneInfo("Europe/Oslo")))
def test_the_privacy_page_shows_the_version_in_force_with_its_table_and_contents(client):
    html = client.get("/personvern/").content.decode()

    assert "Versjon 1.0" in html and "Versjon 1.1" not in html
    assert "Gjelder fra" in html
    table = re.search(r'<table class="table notice-table">(.*?)</table>', html, re.S).group(1)
    # The caption comes from the renderer: the published text has none and never changes.
    assert re.search(r"<caption>([^<]*)</caption>", table).group(1) == (
        "Formål, rettslig grunnlag og opplysningene vi trenger til dette formål"
    )
    assert re.findall(r'<th scope="col">([^<]*)</th>', table) == [
        "Formål",
        "Rettslig grunnlag",
        "Opplysningene vi trenger til dette formål",
    ]
    assert len(re.findall(r"<tr>", table.split("<tbody>")[1])) == 6
    heading_ids = re.findall(r'<h2 id="([a-z0-9-]+)">', html)
    assert "formalet-med-behandling-av-personopplysninger" in heading_ids
    toc_links = re.findall(r'<nav class="toc".*?</nav>', html, re.S)[0]
    assert all(f'href="#{hid}"' in toc_links for hid in heading_ids if hid != "toc-title")
    assert "fbpx" not in html


@pytest.mark.django_db
def test_no_public_page_of_the_notice_mentions_the_pixel(client):
    registry = get_registry()
    urls = ["/personvern/", "/personvern/versjoner/"]
    for notice in registry.published:
        urls.append(f"/personvern/versjoner/{notice.version}/")

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"fbpx" not in response.content
