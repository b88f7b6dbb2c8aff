"""The data subject's rights: one implementation of each right, two doors (staff in the
admin, the person on their own page).

Self-service ("Dine opplysninger", `selfservice/`), subject requests and their deadlines
(`subject_log`), finding and copying a person's data for access and portability
(`subject_requests`), objections to marketing (`suppression`), restriction of processing
(`restriction`, art. 18) and withdrawing a consent (`withdrawal`).

Imports the contacts core, `retention` (erasure, keys) and `intake` (a lifted restriction
queues the staff e-mail that waited), never `inbox` or the admin.
"""
