"""A notice version measured against the data map: what it leaves out, or says otherwise
than the site does. The checks (map_checks.py), publishing and the admin index read these
gaps; a published text is never changed to close one, a new version is."""

from __future__ import annotations

from dataclasses import dataclass

from privacy.datamap import Activity, DataMap, Period, amount, phrasings
from privacy.registry import Notice

MISSING = "missing"  # an activity concerning visitors that the notice does not declare
UNKNOWN = "unknown"  # an activity the notice declares that the map does not have
UNDECLARED = "undeclared"  # an enforced period the notice does not declare
DIFFERENT = "different"  # a period declared with another value than enforced
UNSAID = "unsaid"  # a period declared but not said in the retention text


@dataclass(frozen=True)
class Gap:
    activity: str  # its id
    name: str  # its Norwegian name, for staff
    kind: str
    detail: str  # in English, for the checks

    def for_staff(self) -> str:
        """The gap in Norwegian, for the admin index."""
        if self.kind == MISSING:
            return self.name
        if self.kind == UNKNOWN:
            return f"{self.name} (ikke noe nettstedet gjør)"
        return f"{self.name} (lagringstiden: {self.detail_no})"

    @property
    def detail_no(self) -> str:
        return {
            UNDECLARED: "ikke oppgitt",
            DIFFERENT: "en annen enn den nettstedet håndhever",
            UNSAID: "ikke nevnt i teksten",
        }[self.kind]


def _period_gaps(activity: Activity, declared, name: str) -> list[Gap]:
    gaps = []
    enforced = declared.enforced_retention or {}
    for period in activity.periods:
        value = period.value()
        said = amount(value, period.unit)
        if period.key not in enforced:
            gaps.append(
                Gap(activity.id, name, UNDECLARED, f"does not declare {period.key} ({said})")
            )
        elif enforced[period.key] != value:
            gaps.append(
                Gap(
                    activity.id,
                    name,
                    DIFFERENT,
                    f"declares {period.key}={enforced[period.key]}, the site enforces {value} "
                    f"({period.source})",
                )
            )
        elif not _says(declared.retention, period, value):
            gaps.append(Gap(activity.id, name, UNSAID, f"its retention text does not say {said}"))
    return gaps


def _says(text: str, period: Period, value: int) -> bool:
    return any(phrase in text for phrase in phrasings(value, period.unit))


def gaps(notice: Notice, data_map: DataMap) -> list[Gap]:
    """What `notice` leaves out of the map, or states otherwise than enforced. A version
    without declarations leaves out everything."""
    declared = {a.id: a for a in notice.declarations.activities} if notice.declarations else {}
    found: list[Gap] = []
    for activity in data_map.concerning_visitors():
        if activity.id not in declared:
            found.append(Gap(activity.id, activity.name, MISSING, "is not declared"))
        else:
            found += _period_gaps(activity, declared[activity.id], activity.name)
    for activity_id in declared:
        if data_map.activity(activity_id) is None:
            found.append(
                Gap(activity_id, activity_id, UNKNOWN, "is not an activity of the data map")
            )
    return found
