"""The intake stores what the visitor was shown: the notice version, the information text,
where the form stood, and exactly one consent row per consent the form asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contacts.intake.submission import Submission, submit_enquiry
from contacts.models import Consent, FormLocation
from privacy.models import NoticeVersion
from privacy.registry import get_registry

TYPED = {
    "name": "Kari Nordmann",
    "company": "",
    "email": "kari@example.no",
    "phone": "+4791234567",
    "message": "",
}


def submission(**changes) -> Submission:
    values = {
        **TYPED,
        "consents": {"marketing": True},
        "labels": {"marketing": "Ja, send meg nyheter på e-post. Trekk tilbake når du vil."},
        "notice": get_registry().in_force(),
        "nonce": "nonce-1",
        "information_text": "Vi bruker opplysningene til å svare deg (art. 6 nr. 1 f).",
        "location": FormLocation.HOME,
    }
    return Submission(**{**values, **changes})


@pytest.mark.django_db
def test_the_enquiry_records_the_notice_version_information_text_and_place():
    enquiry = submit_enquiry(submission=submission())

    enquiry.refresh_from_db()
    shown = NoticeVersion.objects.get(version=get_registry().in_force().version)
    assert enquiry.notice_version == shown
    assert enquiry.information_text.startswith("Vi bruker opplysningene til å svare deg")
    assert enquiry.form_location == "forside"
    assert {c.notice_version_id for c in enquiry.consents.all()} == {shown.pk}


@pytest.mark.django_db
def test_one_consent_row_per_consent_asked_with_the_answer_given():
    asked_one = submit_enquiry(submission=submission())
    asked_two = submit_enquiry(
        submission=submission(
            nonce="nonce-2",
            consents={"enquiry": True, "marketing": False},
            labels={"enquiry": "Jeg samtykker.", "marketing": "Ja, nyheter."},
        )
    )

    rows = Consent.objects.filter(enquiry=asked_one)
    assert [(c.purpose, c.given, c.label_text[:3]) for c in rows] == [("marketing", True, "Ja,")]
    answers = dict(Consent.objects.filter(enquiry=asked_two).values_list("purpose", "given"))
    assert answers == {"enquiry": True, "marketing": False}


@pytest.mark.django_db
def test_a_form_that_asked_nothing_stores_no_consent_row():
    enquiry = submit_enquiry(submission=submission(consents={}, labels={}))

    assert enquiry.pk and not enquiry.consents.exists()


def test_an_answer_without_its_question_or_a_question_without_its_answer_is_refused():
    with pytest.raises(ValueError, match="differ"):
        submission(consents={"marketing": True, "enquiry": True})
    with pytest.raises(ValueError, match="differ"):
        submission(consents={})


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_enquiries_the_version_their_consents_name():
    """0010 backfills the notice version from the consent rows (or, without any, the
    version in force when the enquiry came in); 0011 puts existing holds up for review."""
    executor = MigrationExecutor(connection)
    executor.migrate([("contacts", "0009_consent_evidence_immutable")])
    apps = executor.loader.project_state([("contacts", "0009_consent_evidence_immutable")]).apps
    Enquiry = apps.get_model("contacts", "Enquiry")
    Version = apps.get_model("privacy", "NoticeVersion")
    old = Version.objects.create(version="0.8", effective_date=dt.date(2020, 1, 1), sha256="a")
    newer = Version.objects.create(version="0.9", effective_date=dt.date(2024, 1, 1), sha256="b")
    now = timezone.now()
    kinds = {"with_consent": dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "without": None}
    made = {}
    for kind, received in kinds.items():
        made[kind] = Enquiry.objects.create(
            name="X",
            email="x@example.no",
            phone="+4791234567",
            received_at=received or dt.datetime(2022, 6, 1, tzinfo=dt.UTC),
            retain_until=now,
            legal_hold_reason="Tvist" if kind == "without" else "",
            form_nonce=kind,
        )
    apps.get_model("contacts", "Consent").objects.create(
        enquiry=made["with_consent"],
        purpose="enquiry",
        given=True,
        label_text="Jeg samtykker.",
        given_at=now,
        notice_version=old,  # the consent's version wins over the date
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from contacts.models import Enquiry as Current

    versions = dict(Current.objects.values_list("form_nonce", "notice_version__version"))
    assert versions == {"with_consent": "0.8", "without": "0.8"}
    held = Current.objects.get(form_nonce="without")
    assert held.legal_hold_review_on == timezone.localdate()
    assert newer.pk  # in force only from 2024: not the version of a 2022 enquiry
