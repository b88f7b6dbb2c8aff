"""Subject requests' deadlines (art. 12(3)): one month, extended once by at most two more
months with a reason; completion; the audit trail; and the nightly rule for the person's
own words."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from contacts.models import AuditEntry, Enquiry, SubjectRequest, one_month_after
from contacts.retention.keys import person_key
from contacts.rights import subject_log
from contacts.rights.subject_log import ExtensionRefused
from contacts.tasks import purge_expired_enquiries
from tests.contacts.factories import make_enquiry

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")
D = dt.date

TOLD = subject_log.Told(on=dt.date(2026, 12, 1), how="E-post til den registrerte")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2027, 1, 15), D(2027, 2, 15)),
        (D(2027, 1, 31), D(2027, 2, 28)),
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year
        (D(2028, 1, 30), D(2028, 2, 29)),
        (D(2027, 1, 29), D(2027, 2, 28)),
        (D(2027, 3, 31), D(2027, 4, 30)),
        (D(2027, 8, 31), D(2027, 9, 30)),
        (D(2027, 12, 31), D(2028, 1, 31)),  # over the new year
        (D(2027, 2, 28), D(2027, 3, 28)),
    ],
)
def test_one_month_after_is_the_same_day_next_month_or_its_last(received, due):
    assert one_month_after(received) == due


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 2, D(2027, 3, 31)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2027, 11, 30), 2, D(2028, 1, 30)),
        (D(2027, 12, 15), 1, D(2028, 1, 15)),
    ],
)
def test_months_after(day, months, expected):
    assert subject_log.months_after(day, months) == expected


def request(**fields) -> SubjectRequest:
    fields.setdefault("received_at", dt.datetime(2027, 1, 31, 10, tzinfo=OSLO))
    return subject_log.open_request(
        kind="retting", channel="telefon", email="kari@example.no", **fields
    )


def test_a_request_is_due_a_month_after_the_day_it_came_in_oslo():
    # 23:30 UTC on 31 January is 00:30 on 1 February in Oslo.
    late = request(received_at=dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC))

    assert late.due_on == D(2027, 3, 1)
    assert request().due_on == D(2027, 2, 28)


def test_it_keeps_only_a_keyed_hash_of_the_address():
    created = request()

    assert created.person_key == person_key(" KARI@example.no")
    row = SubjectRequest.objects.filter(pk=created.pk).values().get()
    assert "kari" not in str(row)


def test_an_extension_moves_the_deadline_once_with_a_reason():
    created = request()

    subject_log.extend(created, to=D(2027, 4, 28), reason="Omfattende forespørsel", told=TOLD)

    assert created.extended_to == D(2027, 4, 28) and created.due == D(2027, 4, 28)
    with pytest.raises(ExtensionRefused, match="bare forlenges én gang"):
        subject_log.extend(created, to=D(2027, 4, 20), reason="Igjen", told=TOLD)
    created.refresh_from_db()
    assert created.extended_to == D(2027, 4, 28)


def test_an_extension_reaches_at_most_two_further_months():
    created = request(received_at=dt.datetime(2027, 2, 28, 12, tzinfo=OSLO))  # due 28 March

    with pytest.raises(ExtensionRefused, match=r"senest 28\.05\.2027"):
        subject_log.extend(created, to=D(2027, 5, 29), reason="Mange forespørsler", told=TOLD)
    with pytest.raises(ExtensionRefused, match=r"etter 28\.03\.2027"):
        subject_log.extend(created, to=D(2027, 3, 28), reason="Mange forespørsler", told=TOLD)
    subject_log.extend(created, to=D(2027, 5, 28), reason="Mange forespørsler", told=TOLD)

    assert created.extended_to == D(2027, 5, 28)


def test_two_further_months_are_counted_from_the_deadline_not_month_by_month():
    # Due 31 January: two months later is 31 March, not 28 March (via 28 February).
    created = request(received_at=dt.datetime(2026, 12, 31, 12, tzinfo=OSLO))

    assert created.due_on == D(2027, 1, 31)
    assert subject_log.latest_extension(created) == D(2027, 3, 31)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_extension_needs_a_reason(reason):
    created = request()

    with pytest.raises(ExtensionRefused, match="Skriv hvorfor"):
        subject_log.extend(created, to=D(2027, 3, 15), reason=reason, told=TOLD)
    created.refresh_from_db()
    assert created.extended_to is None


def test_an_extension_is_refused_once_the_deadline_has_passed():
    created = request()  # due 28 February 2027

    on_the_day = created.due_on
    with pytest.raises(ExtensionRefused, match=r"Fristen gikk ut 28\.02\.2027"):
        subject_log.extend(
            created, to=D(2027, 4, 1), reason="Omfattende", told=TOLD, today=D(2027, 3, 1)
        )
    subject_log.extend(created, to=D(2027, 4, 1), reason="Omfattende", told=TOLD, today=on_the_day)

    assert created.extended_to == D(2027, 4, 1)


@pytest.mark.parametrize(
    ("told", "said"),
    [
        (subject_log.Told(on=D(2026, 12, 1), how=" "), "Skriv hvordan"),
        (subject_log.Told(on=None, how="Telefon"), "Skriv datoen"),
        (subject_log.Told(on=D(2027, 1, 5), how="Telefon"), "i dag eller før"),
    ],
)
def test_an_extension_records_when_and_how_the_person_was_told(told, said):
    created = request()

    with pytest.raises(ExtensionRefused, match=said):
        subject_log.extend(
            created, to=D(2027, 3, 15), reason="Omfattende", told=told, today=D(2027, 1, 4)
        )
    subject_log.extend(created, to=D(2027, 3, 15), reason="Omfattende", told=TOLD)

    created.refresh_from_db()
    assert (created.extension_told_on, created.extension_told_how) == (TOLD.on, TOLD.how)


def test_a_completed_request_is_not_extended():
    created = request()
    subject_log.complete_request(created, outcome="Rettet")

    with pytest.raises(ExtensionRefused, match="allerede fullført"):
        subject_log.extend(created, to=D(2027, 3, 15), reason="For sent", told=TOLD)


def test_completion_records_the_outcome_once():
    created = request()
    now = timezone.now()

    assert subject_log.complete_request(created, outcome="Opplysningene er rettet", now=now)
    assert not subject_log.complete_request(created, outcome="Noe annet")

    assert created.completed_at == now and created.outcome == "Opplysningene er rettet"
    assert not created.is_overdue(D(2030, 1, 1))
    assert SubjectRequest.objects.open().count() == 0


def test_a_self_service_request_is_recorded_completed_without_an_audit_line():
    enquiry = make_enquiry(email="kari@example.no")

    done = subject_log.record_completed(
        kind="sletting",
        channel="selvbetjening",
        email="kari@example.no",
        outcome="Slettet av den registrerte",
        enquiry_ids=[enquiry.pk],
    )

    assert done.completed_at is not None and done.received_at == done.completed_at
    assert list(done.enquiries.all()) == [enquiry]
    assert not AuditEntry.objects.exists()


def test_each_staff_action_is_audited_with_the_enquiries_it_concerns():
    alice = User.objects.create_user("alice", is_staff=True)
    enquiries = [make_enquiry(email="kari@example.no") for _ in range(2)]
    ids = sorted(e.pk for e in enquiries)

    created = request(enquiry_ids=ids, actor=alice)
    subject_log.extend(created, to=D(2027, 3, 31), reason="Omfattende", actor=alice, told=TOLD)
    subject_log.complete_request(created, outcome="Rettet", actor=alice)
    subject_log.complete_request(created, outcome="Igjen", actor=alice)  # nothing happens

    entries = AuditEntry.objects.order_by("id")
    assert [e.action for e in entries] == [
        "subject_request_recorded",
        "subject_request_extended",
        "subject_request_completed",
    ]
    assert all(e.actor == alice and e.enquiry_ids == ids for e in entries)
    assert created.recorded_by == alice


# --- The person's own words ---------------------------------------------------------------


def words(*, completed_days_ago: int | None, enquiry: Enquiry | None) -> SubjectRequest:
    created = subject_log.open_request(
        kind="retting",
        channel="e-post",
        email="kari@example.no",
        details="Etternavnet mitt er Nordmann, ikke Nordman.",
        enquiry_ids=[enquiry.pk] if enquiry else [],
    )
    if completed_days_ago is not None:
        when = timezone.now() - dt.timedelta(days=completed_days_ago)
        subject_log.complete_request(created, outcome="Rettet", now=when)
    return created


def test_the_persons_words_are_cleared_when_spent(settings):
    settings.CONTACTS_RETENTION_DAYS = 365
    enquiry = make_enquiry(email="kari@example.no")
    gone = make_enquiry(email="kari@example.no")
    still_open = words(completed_days_ago=None, enquiry=None)
    enquiry_kept = words(completed_days_ago=30, enquiry=enquiry)
    enquiry_erased = words(completed_days_ago=1, enquiry=gone)
    year_old = words(completed_days_ago=366, enquiry=enquiry)
    Enquiry.objects.filter(pk=gone.pk).delete()

    assert subject_log.clear_spent_details() == 2

    details = dict(SubjectRequest.objects.values_list("pk", "details"))
    assert details[still_open.pk] and details[enquiry_kept.pk]
    assert details[enquiry_erased.pk] == "" and details[year_old.pk] == ""
    # The account of the request stays.
    assert SubjectRequest.objects.count() == 4
    assert SubjectRequest.objects.get(pk=year_old.pk).outcome == "Rettet"


def test_the_nightly_purge_clears_them_after_erasing_expired_enquiries():
    expired = make_enquiry(
        email="kari@example.no",
        received_at=timezone.now() - dt.timedelta(days=400),
        retain_until=timezone.now() - dt.timedelta(days=1),
    )
    spent = words(completed_days_ago=5, enquiry=expired)
    three_in_oslo = dt.datetime.now(OSLO).replace(hour=3, minute=17)

    purge_expired_enquiries(timestamp=int(three_in_oslo.timestamp()))

    assert not Enquiry.objects.filter(pk=expired.pk).exists()
    spent.refresh_from_db()
    assert spent.details == ""
