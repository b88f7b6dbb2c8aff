"""A purge batch reads indexes, never a whole table that grows through the purge, so a
batch late in a million costs what one at the start does (issue 28, item 7; the profile
is bench/purge_explain.py's). The planner is told to avoid scans where it can: these
tables are small here, and it would scan them anyway."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from contacts.models import ErasureReason, ErasureRecord, RightsEvent, RightsEventKind
from contacts.retention import events
from contacts.retention.erasure import TAKEN_SQL, erase_enquiries, taken_keys
from contacts.retention.keys import nonce_key
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db

# As many keys as a purge batch has: more than the 100 for which PostgreSQL proves that
# an IN list implies a partial index's condition.
BATCH = 2000


def plan(sql: str, params) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(line for (line,) in cursor.fetchall())


def test_a_batchs_nonce_keys_are_looked_up_in_the_unique_index():
    keys = [nonce_key(f"nonce-{n}") for n in range(BATCH)]

    shown = plan(TAKEN_SQL, [keys])

    assert "erasure_nonce_key_unique" in shown, shown
    assert "Seq Scan on contacts_erasurerecord" not in shown, shown


def test_the_lookup_finds_exactly_the_keys_already_recorded():
    erased, kept = make_enquiry(), make_enquiry()
    erase_enquiries(ids=[erased.pk], reason=ErasureReason.RETENTION)
    keys = [nonce_key(erased.form_nonce), nonce_key(kept.form_nonce)]

    assert taken_keys(keys) == {nonce_key(erased.form_nonce)}


def test_the_actor_index_holds_the_erasures_staff_made_only():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'contacts_erasurerecord' AND indexdef LIKE '%%actor_id%%'"
        )
        indexes = cursor.fetchall()

    assert [name for name, _ in indexes] == ["erasure_actor"]
    assert indexes[0][1].endswith("WHERE (actor_id IS NOT NULL)"), indexes


def test_a_staff_users_erasures_are_still_found_through_it(alice):
    sql, params = ErasureRecord.objects.filter(actor=alice).query.sql_with_params()

    shown = plan(sql, params)

    assert "erasure_actor" in shown, shown
    assert "Seq Scan" not in shown, shown


def test_rights_events_get_ids_that_sort_after_the_ids_before_them():
    """Time-ordered event ids: the unique index grows at its right edge (migration 0028)."""
    first = events.record_for_enquiries(RightsEventKind.ERASURE, [(1, "a", timezone.now())])
    time.sleep(0.002)  # the next millisecond
    later = events.record_for_enquiries(RightsEventKind.ERASURE, [(2, "b", timezone.now())])

    ids = [event.event_id for event in (*first, *later)]
    assert [i.version for i in ids] == [7, 7]
    assert {i.variant for i in ids} == {uuid.RFC_4122}
    assert ids[0] < ids[1]
    assert RightsEvent.objects.filter(event_id__in=ids).count() == 2
