"""Intake: how an enquiry comes in.

The callback form and its pages (`forms`, `views`, `urls`, `preview` for a draft notice's
form), the signed form token (`tokens`), what the visitor was shown (`shown`), storing an
enquiry with its consent evidence (`submission`), the quarantine for posts that came too
fast (`quarantine`), and the staff e-mail about a new enquiry with its job (`notifications`).

Imports the contacts core (models, audit, calendar, phone, fields) and `retention` (the
retention rule and keys), never `rights`, `inbox` or the admin.
"""
