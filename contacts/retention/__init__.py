"""Retention: how long an enquiry is kept, and erasing it when that time is up.

The retention rule in Python and SQL (`rules`), erasure on request and the nightly purge
(`erasure`), the weekly digest of what the purge will erase (`purge_digest`), the keyed
hashes that recognise a person or a form without keeping them (`keys`), and replaying
erasures after a database restore (`erasure.reapply_erasures`).

The lowest domain: it imports only the contacts core, never another domain.
"""
