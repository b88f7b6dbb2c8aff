"""Migration 0025 puts stored addresses in their canonical form and re-makes the keys made
from the old form, so an objection recorded before it still finds its person."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contacts.models import Enquiry
from contacts.retention.keys import person_key
from contacts.rights import suppression

BEFORE = [("contacts", "0024_link_channels")]


def old_key(address: str) -> str:
    """The person key as it was made before 0025: of the address trimmed and lowercased."""
    digest_key = (settings.CONTACTS_PERSON_HASH_KEY + ":person").encode()
    return hmac.new(digest_key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_stored_addresses_become_canonical_and_old_objections_still_hold():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    OldEnquiry = apps.get_model("contacts", "Enquiry")
    now = timezone.now()
    version = apps.get_model("privacy", "NoticeVersion").objects.create(
        version="0.9", effective_date=now.date(), sha256="a"
    )
    typed = {"idn": "Kari@BRÅTEN.no", "look-alike": "ceo@gmaıl.com", "plain": "Ola@Example.no"}
    for nonce, email in typed.items():
        OldEnquiry.objects.create(
            name="X",
            email=email,
            phone="+4791234567",
            received_at=now,
            retain_until=now,
            form_nonce=nonce,
            notice_version=version,
        )
    apps.get_model("contacts", "MarketingSuppression").objects.create(
        person_key=old_key("Kari@BRÅTEN.no"), channel="e-post"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    stored = dict(Enquiry.objects.values_list("form_nonce", "email"))
    assert stored == {
        "idn": "kari@xn--brten-nra.no",
        "look-alike": "ceo@xn--gmal-nza.com",
        "plain": "ola@example.no",
    }
    assert suppression.suppressed_since("kari@bråten.no") is not None
    assert suppression.suppressed_since("ceo@gmail.com") is None
    assert person_key("KARI@bråten.no") == person_key("kari@xn--brten-nra.no")
