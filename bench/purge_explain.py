"""EXPLAIN (ANALYZE, BUFFERS) every statement of one purge batch, in order, then roll back.

For profiling the nightly purge (docs/performance.md, "Purge scaling"): seed a scratch
database with `manage.py seed_enquiries N --expired`, then

    DATABASE_URL=... DJANGO_DEBUG=1 python -m bench.purge_explain [--skip N] [--batch 2000]

`--skip N` first erases the N lowest expired ids for real (as the purge's earlier batches
would: deleted rows, dead index entries, N erasure records and rights events), so a batch
late in a long run can be profiled too. The profiled batch itself is rolled back: the
statements are captured in a transaction that is rolled back, then each is run again under
EXPLAIN ANALYZE, in the same order, in a second one that is rolled back too.
"""

from __future__ import annotations

import argparse
import os
import re

SHOWN = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE)", re.IGNORECASE)


def capture(batch_size: int) -> list[tuple[str, object]]:
    """The statements one batch of `purge_expired` runs, with their parameters."""
    from django.db import connection, transaction
    from django.utils import timezone

    from contacts.retention import erasure

    statements: list[tuple[str, object]] = []

    def keep(execute, sql, params, many, context):
        if SHOWN.match(sql):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep), transaction.atomic():
        erasure.purge_expired(now=timezone.now(), batch_size=batch_size, batches=1)
        transaction.set_rollback(True)
    return statements


def explain(statements: list[tuple[str, object]]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for number, (sql, params) in enumerate(statements, 1):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            print(f"--- statement {number}: {sql[:160]}")
            for (line,) in cursor.fetchall():
                print(line)
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", type=int, default=0, help="Erase this many first, for real.")
    parser.add_argument("--batch", type=int, default=2000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
    import django

    django.setup()
    from django.utils import timezone

    from contacts.retention import erasure

    if options.skip:
        batches = -(-options.skip // options.batch)
        erasure.purge_expired(now=timezone.now(), batch_size=options.batch, batches=batches)
    explain(capture(options.batch))


if __name__ == "__main__":
    main()
