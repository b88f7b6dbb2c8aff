"""What the callback form shows under a notice version, from its declarations: each
consent's label and the information text, as HTML for the page and as the plain text
stored as evidence; and a submission carrying them, as the form makes it."""

from __future__ import annotations

from contacts.intake.submission import Submission
from privacy.registry import Notice
from privacy.rendering import ShownText, inline


def consent_labels(notice: Notice) -> dict[str, ShownText]:
    """The consents the form asks under `notice`, by purpose: each label as the page shows
    it and as the plain text stored as evidence. From the version's declarations."""
    return {c.purpose: inline(c.label) for c in notice.declarations.form.consents}


def consent_texts(notice: Notice) -> dict[str, str]:
    """The plain text of each consent label for `notice`, by purpose: the stored evidence."""
    return {purpose: label.text for purpose, label in consent_labels(notice).items()}


def information(notice: Notice) -> ShownText:
    """What the form tells about the processing under `notice` (its declared text)."""
    return inline(notice.declarations.form.information)


def build_submission(
    *,
    notice: Notice,
    nonce: str,
    consents: dict[str, bool] | None = None,
    location: str = "",
    **fields: str,
) -> Submission:
    """A submission as the form makes it, with the texts the form shows for `notice`.
    Also for made-up enquiries (demo, tests), so they carry the same evidence; their
    consents default to the required ones given and the optional ones not."""
    if consents is None:
        consents = {c.purpose: c.required for c in notice.declarations.form.consents}
    return Submission(
        **fields,
        consents=consents,
        labels=consent_texts(notice),
        information_text=information(notice).text,
        location=location,
        notice=notice,
        nonce=nonce,
    )
