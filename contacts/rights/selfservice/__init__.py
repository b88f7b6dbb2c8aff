""" "Dine opplysninger" (/personvern/mine-opplysninger/): a person sees, downloads,
withdraws, objects to marketing, asks to correct and erases their own data, through a
single-use link e-mailed to them.

- `links`: asking for a link, the job that e-mails it, using it (the design is there);
  spent links are forgotten hourly by contacts/rights/tasks.py.
- `session`: the short session a used link opens, scoped to one address.
- `views` (public pages) and `account` (the open session's pages), `forms`, `urls`.
- `actions`: the person's door onto the staff's services, each use recorded.
- `information`: the art. 15(1) information from the declarations in force.
- `portability`: the JSON copy (art. 20) and its schema (`schema/`).
"""
