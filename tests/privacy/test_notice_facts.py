"""What the notice states about the running site is computed from it (pilaro_site/datamap/
facts.py): the cookie table from the declared cookies, where rate-limit counters live from
the configured cache, what an erasure record keeps from its model."""

from __future__ import annotations

from html import unescape

import pytest
from django.apps import apps
from django.utils.html import strip_tags

from pilaro_site.datamap import facts
from privacy.datamap import amount, get_data_map

pytestmark = pytest.mark.django_db
DRAFT = "/personvern/versjoner/2.0/"
DATABASE_CACHE = {
    "default": {"BACKEND": "pilaro_site.cache.DatabaseCache", "LOCATION": "pilaro_cache"}
}


def page(client) -> str:
    response = client.get(DRAFT)
    assert response.status_code == 200
    return " ".join(unescape(strip_tags(response.content.decode())).split())


def test_the_draft_shows_each_declared_cookie_with_its_lifetime(client, alice):
    text = page(client)

    assert "[[" not in text
    for cookie in get_data_map().cookies:
        assert cookie.name in text
        assert amount(cookie.lifetime.value(), cookie.lifetime.unit) in text


def test_a_changed_lifetime_changes_the_table(client, alice, settings):
    settings.CONTACTS_SELF_SERVICE_SESSION_MINUTES = 20

    assert "20 minutter" in facts.cookie_table()
    assert "20 minutter" in page(client)


@pytest.mark.parametrize(
    ("caches", "said"),
    [
        (DATABASE_CACHE, "i en egen tabell i databasen til nettstedet"),
        # A cache in each process's memory cannot hold counters every worker sees: the
        # counters are in the database then.
        (
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "i en egen tabell i databasen til nettstedet",
        ),
        (
            {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://127.0.0.1:6379/14",
                }
            },
            "i et felles mellomlager (Redis)",
        ),
    ],
    ids=["database", "memory", "redis"],
)
def test_where_the_counters_live_follows_the_configured_cache(
    client, alice, settings, caches, said
):
    settings.CACHES = caches

    assert said in facts.rate_limit_storage()
    assert said in page(client)


def test_how_long_counters_live_follows_the_rates(settings):
    settings.CONTACTS_SELF_SERVICE_CLIENT_RATE = "10/2h"

    assert "senest 3 timer etter" in facts.rate_limit_storage()


def test_what_an_erasure_record_keeps_comes_from_its_model(client, alice):
    text = page(client)
    model = apps.get_model("contacts", "ErasureRecord")

    for field in model._meta.concrete_fields:
        if not field.primary_key:
            assert str(field.help_text) in text, field.name
