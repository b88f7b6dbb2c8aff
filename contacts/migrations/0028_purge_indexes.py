"""What the profile of one purge batch justified (issue 28, item 7; bench/purge_explain.py
runs `EXPLAIN (ANALYZE, BUFFERS)` on each statement of a batch, at 100k and at 1M rows).

The erasure records' actor index becomes partial: only a staff user's erasures have an
actor, and the purge writes one record per erased enquiry with none. The full index took
one entry per record: EXPLAIN (ANALYZE, BUFFERS, WAL) of a batch's INSERT into
contacts_erasurerecord showed "WAL: records=10209" with it and "WAL: records=8192"
without it (2,000 rows; about 2,000 buffer hits fewer), at 500,000 records. Deleting a
staff user still finds their records (PROTECT) through it: `actor_id = x` implies
`actor_id IS NOT NULL`.

New rights events get time-ordered ids (common.ids.uuid7), so the unique index on
event_id grows at its right edge. With uuid4, each event's id landed on a random leaf:
right after a checkpoint, at 500,000 events, a batch's INSERT into contacts_rightsevent
showed "WAL: records=8105 fpi=1373 bytes=9062628" and 280 ms; the same rows with
time-ordered ids "WAL: records=8103 fpi=7 bytes=865316" and 18 ms. The more events, the
more distinct leaves a purge touches between checkpoints: a cost per row that grew with
the table. (The erasure records' nonce key is a keyed hash and stays random: it is what
finds a record after a restore.) Only the default changes: no SQL, old ids stay.

No foreign key index was missing: every column that references contacts_enquiry (consent,
note, notification, restriction lift, subject-request link) has an index that leads with
it, and each cascade in the profile is an "Index Scan using ..._enquiry_id...". The
enquiry's own indexes (the callback promise's, the quarantine's) cost a DELETE nothing:
PostgreSQL marks the row dead and leaves its index entries to VACUUM, and the DELETE's
plan shows only the primary key (contacts_enquiry_pkey). They stay, for the admin.

Plain CREATE INDEX, not CONCURRENTLY: the table holds the erasure records of a small
site (thousands of rows, built in milliseconds), so the short write lock is nothing,
and CONCURRENTLY cannot run inside the migration's transaction. Works on SQLite too
(partial indexes).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import common.ids


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0027_evidence_guards"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="rightsevent",
            name="event_id",
            field=models.UUIDField(default=common.ids.uuid7, editable=False, unique=True),
        ),
        migrations.AddIndex(
            model_name="erasurerecord",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="erasure_actor",
            ),
        ),
        migrations.AlterField(
            model_name="erasurerecord",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="hvilken ansatt som slettet den, når en ansatt gjorde det",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="utført av",
            ),
        ),
    ]
