"""System checks that hold the site and its notices to the data map (pilaro_site/datamap/).

- Every model field that can hold personal data is in an activity of the map, or in its
  list of fields that cannot (privacy.E030), and every field the map names exists (E031).
- A version being published (published in its file, not yet in SHA256SUMS) may leave out
  nothing the map says concerns visitors, and must state each enforced period as enforced
  (E032): `sync_notices --record` refuses it, naming the gap.
- The version in force is measured the same way. Its omissions never stop a deploy: they
  are warnings in `check --deploy` (W033) and staff see them on the admin index; a period
  it states otherwise than the site enforces is an error (E035), as a notice in force must
  not promise what the site does not do. Upcoming published versions: warnings (W036).
- A line `[[name]]` in a text names a fact the map provides (E034).
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from privacy import coverage, manifest, registry
from privacy.datamap import DataMap, get_data_map
from privacy.declarations import TABLE_MARKER
from privacy.rendering import FACT_RE

TEXT_FIELDS = (
    models.CharField,
    models.TextField,
    models.JSONField,
    models.BinaryField,
    models.GenericIPAddressField,
)


def may_hold_personal_data(field: models.Field) -> bool:
    """Free text of any kind (names, addresses, messages, hashes, JSON), or a link to a
    staff user. A field with choices holds one of our own values."""
    if field.primary_key or getattr(field, "choices", None):
        return False
    if isinstance(field, models.ForeignKey):
        return field.related_model._meta.label == settings.AUTH_USER_MODEL
    return isinstance(field, TEXT_FIELDS)


def field_label(field: models.Field) -> str:
    return f"{field.model._meta.label}.{field.name}"


def unmapped_fields(data_map: DataMap) -> list[str]:
    known = data_map.mapped_fields() | set(data_map.not_personal)
    return sorted(
        field_label(field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if may_hold_personal_data(field) and field_label(field) not in known
    )


def unknown_fields(data_map: DataMap) -> list[str]:
    existing = {
        field_label(field) for model in apps.get_models() for field in model._meta.concrete_fields
    }
    named = data_map.mapped_fields() | set(data_map.not_personal)
    return sorted(named - existing)


@register("privacy")
def check_fields_are_mapped(app_configs, **kwargs) -> list[Error]:
    data_map = get_data_map()
    errors = [
        Error(
            f"{label} can hold personal data, but no activity of the data map names it.",
            hint="Add it to an activity's stores in pilaro_site/datamap/ (or, if it can "
            "never hold personal data, to NOT_PERSONAL with the reason).",
            id="privacy.E030",
        )
        for label in unmapped_fields(data_map)
    ]
    errors += [
        Error(f"The data map names {label}, which is no model field.", id="privacy.E031")
        for label in unknown_fields(data_map)
    ]
    return errors


def _gap_message(notice: registry.Notice, gap: coverage.Gap, kind, check_id: str):
    return kind(
        f"Notice version {notice.version}: activity '{gap.activity}' ({gap.name}) {gap.detail}.",
        hint="Declare it as the data map has it (pilaro_site/datamap/; docs/declarations.md).",
        id=check_id,
    )


def _being_published(notices: list[registry.Notice]) -> list[registry.Notice]:
    recorded = manifest.read(registry.notice_directory())
    return [n for n in notices if n.is_published and n.path.name not in recorded]


@register("privacy")
def check_notices_against_the_map(app_configs, **kwargs):
    try:
        reg = registry.get_registry()
    except ImproperlyConfigured:
        return []  # check_notice_files names the broken files
    data_map = get_data_map()
    messages = []
    for notice in _being_published(list(reg.notices)):
        for gap in coverage.gaps(notice, data_map):
            messages.append(_gap_message(notice, gap, Error, "privacy.E032"))
    in_force = reg.in_force()
    if in_force is not None:
        for gap in coverage.gaps(in_force, data_map):
            if gap.kind == coverage.DIFFERENT:
                messages.append(_gap_message(in_force, gap, Error, "privacy.E035"))
    for notice in reg.upcoming():
        for gap in coverage.gaps(notice, data_map):
            if gap.kind == coverage.DIFFERENT and notice not in _being_published([notice]):
                messages.append(_gap_message(notice, gap, Warning, "privacy.W036"))
    return messages


@register("privacy", Tags.security, deploy=True)
def check_notice_in_force_covers_the_map(app_configs, **kwargs) -> list[Warning]:
    try:
        in_force = registry.get_registry().in_force()
    except ImproperlyConfigured:
        return []
    if in_force is None:
        return []
    return [
        _gap_message(in_force, gap, Warning, "privacy.W033")
        for gap in coverage.gaps(in_force, get_data_map())
        if gap.kind != coverage.DIFFERENT
    ]


@register("privacy")
def check_fact_markers(app_configs, **kwargs) -> list[Error]:
    facts = get_data_map().facts
    notices, _ = registry.load(registry.notice_directory())
    errors = []
    for notice in notices:
        for line in notice.body.splitlines():
            match = FACT_RE.match(line.strip())
            if match and line.strip() != TABLE_MARKER and match.group(1) not in facts:
                errors.append(
                    Error(
                        f"Notice version {notice.version} names the fact [[{match.group(1)}]], "
                        "which the data map does not provide.",
                        hint=f"Known: {', '.join(sorted(facts))}.",
                        id="privacy.E034",
                    )
                )
    return errors
