"""Staff work in Django admin, in Django contrib's style: one module a concern.

- `enquiry`: the inbox and an enquiry's page (`EnquiryAdmin`), with `actions` on a
  selection, `inlines` (consents, notes), `pages` (a withdrawn consent, restriction) and
  `subjects` (innsyn, retting og sletting for one person) mounted on its URLs.
- `subject_requests`: data subjects' requests and their deadlines.
- `logs`: the audit log, notifications and erasure records, read-only.
- `filters` (the lists' filters and links to filtered lists), `forms`, `display`.

Every write goes through a service of the domains (contacts/intake, inbox, rights,
retention); nothing here holds a rule of its own.
"""

from contacts.admin import enquiry, logs, subject_requests  # noqa: F401 - registers them
