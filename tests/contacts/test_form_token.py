"""The callback form's token: signed and checked with the secret key, refused when changed
or too old, read in Django's older format too, naming the version in force that day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import signing

from contacts.intake import tokens
from contacts.intake.tokens import TOKEN_SALT, FormToken, fresh_form_token

ISSUED = FormToken("1.0", 1_800_000_000.25, "nonce-abc_123")


def test_a_token_reads_back_as_it_was_issued():
    with time_machine.travel(ISSUED.issued_at + 5, tick=False):
        assert FormToken.unsign(ISSUED.sign()) == ISSUED


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace(":1.0:", ":2.0:", 1),  # another version
        lambda t: t.replace(":1800000000.25:", ":1800000100.25:", 1),  # another time
        lambda t: t.replace("nonce-abc_123", "nonce-abc_124", 1),  # another nonce
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # another signature
        lambda t: t.rsplit(":", 1)[0],  # no signature
    ],
)
def test_a_changed_token_is_refused(change):
    with (
        time_machine.travel(ISSUED.issued_at + 5, tick=False),
        pytest.raises(signing.BadSignature),
    ):
        FormToken.unsign(change(ISSUED.sign()))


def test_a_token_signed_with_another_key_is_refused_and_a_fallback_key_still_verifies(settings):
    old = ISSUED.sign()
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40

    with time_machine.travel(ISSUED.issued_at + 5, tick=False):
        with pytest.raises(signing.BadSignature):
            FormToken.unsign(old)
        settings.SECRET_KEY_FALLBACKS = ["insecure-key-for-the-test-suite-only-never-deployed"]
        assert FormToken.unsign(old) == ISSUED


def test_a_token_older_than_the_maximum_age_is_expired(settings):
    token = ISSUED.sign()
    limit = settings.CONTACTS_FORM_MAX_AGE_SECONDS

    with time_machine.travel(ISSUED.issued_at + limit - 1, tick=False):
        assert FormToken.unsign(token) == ISSUED
    with (
        time_machine.travel(ISSUED.issued_at + limit + 1, tick=False),
        pytest.raises(signing.SignatureExpired),
    ):
        FormToken.unsign(token)


def test_a_token_in_django_s_signed_format_is_still_read():
    payload = {"v": ISSUED.notice_version, "t": ISSUED.issued_at, "n": ISSUED.nonce}
    with time_machine.travel(ISSUED.issued_at, tick=False):
        legacy = signing.dumps(payload, salt=TOKEN_SALT, compress=False)
    with time_machine.travel(ISSUED.issued_at + 5, tick=False):
        assert FormToken.unsign(legacy) == ISSUED
        with pytest.raises(signing.BadSignature):
            FormToken.unsign(legacy[:-2] + "xx")


def test_a_fresh_token_names_the_version_in_force_on_the_day_it_is_issued(notice_dir):
    notice_dir.write("1.0", effective="2026-01-01")
    notice_dir.write("2.0", effective="2027-03-01")
    oslo = dt.timezone(dt.timedelta(hours=1))

    with time_machine.travel(dt.datetime(2027, 2, 28, 23, 59, 59, tzinfo=oslo), tick=False):
        before = FormToken.unsign(fresh_form_token())
    with time_machine.travel(dt.datetime(2027, 3, 1, 0, 0, 1, tzinfo=oslo), tick=False):
        after = FormToken.unsign(fresh_form_token())
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, tzinfo=oslo), tick=False):
        back = FormToken.unsign(fresh_form_token())  # a clock set back: worked out again

    assert (before.notice_version, after.notice_version, back.notice_version) == (
        "1.0",
        "2.0",
        "1.0",
    )
    assert tokens._in_force is not None
