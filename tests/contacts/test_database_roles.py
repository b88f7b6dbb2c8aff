"""Evidence nobody can wipe: as the runtime database role (pilaro_site/roles.py) the
evidence tables cannot be emptied, dropped, altered, changed or deleted from, and still
erasure, the purge, withdrawal, objection and the rights log's replay work; as the owner,
the triggers (contacts migration 0027) refuse TRUNCATE and the changes evidence never has.

In the test database, in the test's transaction: the role is made, granted and used with
SET ROLE, and is gone with the rollback."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from contacts.models import (
    Consent,
    ConsentPurpose,
    Enquiry,
    ErasureReason,
    ErasureRecord,
    MarketingSuppression,
)
from contacts.retention.erasure import erase_enquiries
from contacts.rights.selfservice import actions
from pilaro_site.roles import EVIDENCE, grant_runtime_role
from tests.contacts.factories import make_enquiry
from tests.restore import as_in_an_older_backup

pytestmark = pytest.mark.django_db

APPEND_ONLY = [t for t, rights in EVIDENCE.items() if "UPDATE" not in rights]
NEVER_DELETED = list(EVIDENCE)


@pytest.fixture
def runtime():
    """A context in which the test's connection acts as a fresh runtime role."""
    role = f"pilaro_runtime_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role}")
    statements = grant_runtime_role(connection, role)
    assert statements, "the grant should have run"

    @contextmanager
    def acting():
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")

    return acting


def refused(statement: str) -> str:
    """The database's refusal of `statement` (in a savepoint, so the test goes on)."""
    with pytest.raises(DatabaseError) as error, transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    return str(error.value)


@pytest.mark.parametrize("table", list(EVIDENCE))
def test_the_runtime_role_cannot_empty_drop_or_alter_an_evidence_table(runtime, table):
    with runtime():
        emptied = refused(f"TRUNCATE {table}")
        dropped = refused(f"DROP TABLE {table}")
        unguarded = refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        deleted = refused(f"DELETE FROM {table}")  # noqa: S608 - a table name from the code

    assert "permission denied" in emptied
    assert "must be owner" in dropped and "must be owner" in unguarded
    assert "permission denied" in deleted


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_runtime_role_cannot_change_what_is_only_ever_added(runtime, table):
    with runtime():
        changed = refused(f"UPDATE {table} SET id = id")  # noqa: S608 - a name from the code

    assert "permission denied" in changed


@pytest.mark.parametrize("table", list(EVIDENCE))
def test_even_the_owner_cannot_empty_an_evidence_table(table):
    assert f"{table} is evidence: TRUNCATE refused" in refused(f"TRUNCATE {table} CASCADE")


def test_even_the_owner_cannot_change_or_delete_an_erasure_record_or_a_suppression():
    enquiry = make_enquiry(marketing=True, confirmed=True)
    erase_enquiries(ids=[enquiry.pk], reason=ErasureReason.REQUEST)
    actions.object_to_marketing("kari@example.no")
    record = ErasureRecord.objects.get()
    assert MarketingSuppression.objects.exists()

    changed = refused(f"UPDATE contacts_erasurerecord SET reason = 'x' WHERE id = {record.pk}")  # noqa: S608
    deleted = refused("DELETE FROM contacts_erasurerecord")
    unsuppressed = refused("DELETE FROM contacts_marketingsuppression")

    assert "contacts_erasurerecord is evidence: UPDATE refused" in changed
    assert "contacts_erasurerecord is evidence: DELETE refused" in deleted
    assert "contacts_marketingsuppression is evidence: DELETE refused" in unsuppressed


def test_as_the_runtime_role_the_rights_and_the_purge_work_and_a_replay_restores_them(
    runtime, tmp_path
):
    withdraws = make_enquiry(email="trekker@example.no", marketing=True, confirmed=True)
    erased = make_enquiry(email="slettes@example.no")
    now = timezone.now()
    make_enquiry(
        email="utlopt@example.no",
        received_at=now - dt.timedelta(days=400),
        retain_until=now - dt.timedelta(minutes=1),
    )
    backup = Enquiry.objects.filter(pk=erased.pk).values().get()
    rights_log = tmp_path / "rights.jsonl"

    with runtime():
        assert actions.withdraw_marketing("trekker@example.no") == 1
        assert actions.object_to_marketing("reserverer@example.no")
        erase_enquiries(ids=[erased.pk], reason=ErasureReason.REQUEST)
        call_command("purge_expired_enquiries", verbosity=0)
        call_command("export_rights_log", "--output", str(rights_log))
    assert set(Enquiry.objects.values_list("pk", flat=True)) == {withdraws.pk}
    assert ErasureRecord.objects.count() == 2

    # A restore of a backup taken before: the log, the withdrawal and the erasure undone.
    as_in_an_older_backup(
        "DELETE FROM contacts_rightsevent",
        "DELETE FROM contacts_marketingsuppression",
        "UPDATE contacts_consent SET withdrawn_at = NULL, withdrawal_channel = ''",
    )
    Enquiry.objects.create(**backup)
    with runtime():
        out = io.StringIO()
        call_command("replay_rights_log", str(rights_log), stdout=out)

    marketing = Consent.objects.get(enquiry=withdraws, purpose=ConsentPurpose.MARKETING)
    assert marketing.withdrawn_at is not None
    assert not Enquiry.objects.filter(pk=erased.pk).exists()
    assert MarketingSuppression.objects.count() == 1
    assert "Sletting: 1 applied again." in out.getvalue()


def test_check_deploy_warns_while_the_site_s_role_could_empty_the_evidence(runtime):
    from pilaro_site.checks import check_runtime_role

    as_superuser = [w.id for w in check_runtime_role(None, databases=["default"])]
    with runtime():
        as_runtime = check_runtime_role(None, databases=["default"])

    assert as_superuser == ["pilaro_site.W004"]
    assert as_runtime == []
