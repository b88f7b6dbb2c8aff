"""Every write that touches enquiries, one module per concern, each write in one transaction.

- `intake`: a new enquiry from the form, with its consent evidence.
- `notifications`: the staff e-mail about a new enquiry, and its retries.
- `triage`: what staff do to enquiries (assign, status, notes, withdrawals, holds).
- `restriction`: restricting processing of an enquiry (GDPR art. 18) and lifting it.
- `export`: the CSV export (never of restricted enquiries).
- `subject_requests`: a person's data found, shown and downloaded (GDPR art. 15 and 20).
- `erasure`: erasing enquiries, on request or when their retention date passes.
- `audit`: the append-only log that the others write to.

Reads that pick enquiries are `EnquiryQuerySet` methods (contacts/models/enquiry.py).
"""
