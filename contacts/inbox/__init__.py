"""The staff inbox: what staff do with enquiries.

Triage (`triage`: assign, status, notes, legal holds, saving an enquiry), the callback
promise (`callbacks`: recording contact, the reminders; `callback_stats`: how the promise
was kept), and the CSV export (`export`, which leaves out restricted enquiries and those
who objected to marketing).

May import every other domain (`intake`, `rights`, `retention`) and the contacts core;
only the admin, the jobs and the commands import it.
"""
