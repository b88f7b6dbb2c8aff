from __future__ import annotations

import logging

import pytest
from django.db import IntegrityError, connection, transaction

from pilaro_site.logging import WithholdDatabaseErrorText

EMAIL = "kari@example.no"


@pytest.mark.django_db
def test_a_logged_database_error_keeps_its_traceback_but_not_the_row_it_quotes():
    with (
        pytest.raises(IntegrityError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("CREATE TEMP TABLE t (email text CHECK (email = ''))")
        cursor.execute("INSERT INTO t VALUES (%s)", [EMAIL])
    assert EMAIL in str(caught.value)  # PostgreSQL quotes the row
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "failed",
        (),
        (type(caught.value), caught.value, caught.value.__traceback__),
    )

    WithholdDatabaseErrorText().filter(record)
    text = logging.Formatter().format(record)

    assert EMAIL not in text
    assert "IntegrityError" in text and "Traceback" in text
