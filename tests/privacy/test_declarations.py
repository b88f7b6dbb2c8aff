"""Declarations: the format's rules, where they live, and the table rendered from them."""

from __future__ import annotations

import copy
import hashlib
import textwrap

import pytest
import yaml
from django.core.checks import run_checks

from privacy import declarations as decl
from privacy import rendering
from privacy.registry import get_registry, load
from tests.conftest import declarations

pytestmark = pytest.mark.django_db

SHIPPED_SHA256 = {
    "1.0.md": "fc8730e049cf2c7997305c54b7a14fa49e8b1c96c8ec09b23b17d2cfb767fbe6",
    "1.1.md": "d24be93643e0979df9f9a51f032f8ca6dc78112e2e656064212a4c1ea3937755",
}


def errors() -> list[str]:
    return [f"{m.id} {m.msg}" for m in run_checks(tags=["privacy"]) if m.is_serious()]


def front_matter(version: str, decls: dict, *, status: str = "draft") -> str:
    head = f'version: "{version}"\neffective: 2027-01-01\nstatus: {status}\nsummary: "Ny."\n'
    return head + yaml.safe_dump(decls, allow_unicode=True, sort_keys=False)


BODY = "Innledning.\n\n## Formål\n\n[[behandlinger]]\n\n## Rettigheter\n\nInnsyn.\n"


def test_the_published_texts_are_byte_identical():
    directory = get_registry().notices[0].path.parent

    for name, digest in SHIPPED_SHA256.items():
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest


def test_the_published_versions_have_their_declarations_beside_them():
    for version in ("1.0", "1.1"):
        notice = get_registry().get(version)
        assert notice.declarations.in_side_file
        asked = {c.purpose: c.required for c in notice.declarations.form.consents}
        assert asked == {"enquiry": True, "marketing": False}


def test_the_draft_declares_no_required_consent_and_one_basis_per_purpose():
    draft = get_registry().get("2.0")

    assert not draft.declarations.in_side_file
    assert [c.required for c in draft.declarations.form.consents] == [False]
    assert all(len(a.bases) == 1 for a in draft.declarations.activities)


def test_the_drafts_table_is_its_declarations():
    draft = get_registry().get("2.0")
    html = str(rendering.render_notice(draft).html)

    for activity in draft.declarations.activities:
        assert activity.purpose.split("«")[0][:30] in html
    assert decl.TABLE_MARKER not in html


def test_changing_a_declaration_changes_the_table(notice_dir):
    decls = declarations("2.0", old_style=False)
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("2.0", "", front_matter=front_matter("2.0", decls), body=BODY)
    before = load(notice_dir.path)[0][1].body

    decls["processing"][0]["purpose"] = "Ringe deg tilbake."
    notice_dir.write("2.0", "", front_matter=front_matter("2.0", decls), body=BODY)
    after = load(notice_dir.path)[0][1].body

    assert "| Svare på henvendelser. | GDPR artikkel 6 nr. 1 bokstav f" in before
    assert "Ringe deg tilbake." not in before
    assert "| Ringe deg tilbake. | GDPR artikkel 6 nr. 1 bokstav f (berettiget interesse)" in after
    assert "(berettiget interesse): å svare dem som ber oss om det. |" in after


def broken(change) -> dict:
    decls = copy.deepcopy(declarations("2.0", old_style=False))
    change(decls)
    return decls


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["processing"][0].pop("legitimate_interest"), "legitimate_interest"),
        (
            lambda d: d["processing"][1].update(legitimate_interest="Noe."),
            "belongs to basis f only",
        ),
        (lambda d: d["processing"][0].update(basis=["6(1)(a)", "6(1)(f)"]), "basis must be one"),
        (lambda d: d["processing"][0].update(basis="6(1)(g)"), "basis must be one"),
        (lambda d: d["processing"][0].update(colour="blå"), "unknown key(s) colour"),
        (lambda d: d["form"]["consents"][0].update(required=True), "not freely given"),
        (
            lambda d: d["form"]["consents"][0].update(activity="henvendelser"),
            "is not based on consent",
        ),
        (lambda d: d["form"].update(informs=["ukjent"]), "informs must list declared"),
        (lambda d: d["processing"].append(d["processing"][0]), "declared twice"),
        (lambda d: d.pop("form"), "form is missing"),
    ],
)
def test_a_broken_declaration_is_named_in_the_check(notice_dir, change, message):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("2.0", "", front_matter=front_matter("2.0", broken(change)), body=BODY)

    found = errors()

    assert len(found) == 1, found
    assert found[0].startswith("privacy.E001 Privacy notice 2.0.md: declarations:")
    assert message in found[0]


def test_a_side_file_may_record_two_bases_and_a_required_consent(notice_dir):
    notice_dir.write("1.0", "2026-01-01", side_file=declarations("1.0"))
    notice = load(notice_dir.path)[0][0]

    assert notice.declarations.form.consents[0].required


@pytest.mark.parametrize(
    "body, decls_in_front, message",
    [
        ("Bare tekst.\n", True, "needs the line [[behandlinger]]"),
        (BODY, False, "has the line [[behandlinger]] but no declarations"),
    ],
)
def test_the_table_marker_and_front_matter_declarations_go_together(
    notice_dir, body, decls_in_front, message
):
    notice_dir.write("1.0", "2026-01-01")
    head = (
        front_matter("2.0", declarations("2.0", old_style=False))
        if decls_in_front
        else front_matter("2.0", {})
    )
    notice_dir.write("2.0", "", front_matter=head.replace("{}\n", ""), body=body)

    assert [e for e in errors() if message in e]


def test_a_published_version_without_declarations_is_refused(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    (notice_dir.path / "1.0.declarations.yaml").unlink()

    assert any("a published version needs declarations" in e for e in errors())


def test_a_changed_side_file_of_a_published_version_is_reported(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    side = notice_dir.path / "1.0.declarations.yaml"
    side.write_text(side.read_text().replace("Bare oss.", "Alle."))

    assert [e for e in errors() if e.startswith("privacy.E003")] == [
        "privacy.E003 Published notice version 1.0 (1.0.declarations.yaml) has changed since "
        "it was published."
    ]


def test_a_published_version_with_a_placeholder_fails_naming_file_and_line(notice_dir):
    body = textwrap.dedent(
        """\
        Innledning.

        ## Behandlingsansvarlig

        - Organisasjonsnummer: [FYLLES UT AV PILARO: organisasjonsnummer]
        """
    )
    notice_dir.write("1.0", "2026-01-01", body=body)

    found = [e for e in errors() if e.startswith("privacy.E005")]

    # Front matter (6 lines with its fences), a blank line, then the body: line 12.
    assert found == [
        "privacy.E005 Published notice version 1.0: 1.0.md line 12 still has a placeholder: "
        "- Organisasjonsnummer: [FYLLES UT AV PILARO: organisasjonsnummer]"
    ]


def test_a_draft_may_keep_its_placeholders(notice_dir):
    notice_dir.write("1.0", "2026-01-01")
    notice_dir.write("2.0", "2027-01-01", status="draft", body="[FYLLES UT AV PILARO: adresse]\n")

    assert errors() == []
