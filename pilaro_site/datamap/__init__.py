"""The data map: every processing of personal data the site performs, in one place.

Each activity says why (purpose, legal basis), about whom, what, where it is kept (model
fields, the cache, logs, cookies), who receives it, and for how long, with retention read
from the setting that enforces it (privacy/datamap.py explains the kinds). From this map:

- the system check finds any model field that can hold personal data and is in no
  activity (privacy/map_checks.py), so a new column cannot slip in undeclared;
- each notice version is measured against it: an activity concerning visitors that the
  notice leaves out, or a period it does not state as enforced, is a gap;
- the notice's cookie table, the sentence on where rate-limit counters live and what an
  erasure record keeps are rendered from it (`FACTS`), not written by hand;
- the record of processing (GDPR art. 30) is generated from it (privacy/record.py).

It lives here, in the site's own package, because it spans every app: one module per
part (`enquiries`, `rights`, `operations`, `cookies`), composed below.
"""

from __future__ import annotations

from pilaro_site.datamap import facts
from pilaro_site.datamap.cookies import COOKIES, NOT_PERSONAL, PROCESSORS
from pilaro_site.datamap.enquiries import (
    ENQUIRIES,
    ERASURE_RECORDS,
    IMPROVEMENT,
    LEGAL_CLAIMS,
    MARKETING,
    OFFERS,
    QUARANTINE,
)
from pilaro_site.datamap.operations import (
    AUDIT,
    BACKUPS,
    OUTSIDE,
    SERVER_LOGS,
    STAFF_ACCOUNTS,
    STAFF_MAIL,
)
from pilaro_site.datamap.rights import ABUSE, REQUEST_LOG, SELF_SERVICE, SUPPRESSION
from privacy.datamap import DataMap

DATA_MAP = DataMap(
    activities=(
        ENQUIRIES,
        OFFERS,
        IMPROVEMENT,
        MARKETING,
        QUARANTINE,
        ABUSE,
        SELF_SERVICE,
        REQUEST_LOG,
        SUPPRESSION,
        ERASURE_RECORDS,
        LEGAL_CLAIMS,
        SERVER_LOGS,
        BACKUPS,
        STAFF_MAIL,
        AUDIT,
        STAFF_ACCOUNTS,
        *OUTSIDE,
    ),
    cookies=COOKIES,
    processors=PROCESSORS,
    not_personal=NOT_PERSONAL,
    facts={
        "informasjonskapsler": facts.cookie_table,
        "hastighetsbegrensning": facts.rate_limit_storage,
        "sletteoppforing": facts.erasure_record,
    },
    security=facts.security_measures,
)
