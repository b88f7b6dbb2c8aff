"""What every app shares, below all of them. It imports Django, the standard library and
third-party libraries, never an app of this project (tests/site/test_import_direction.py
says so).

- `urls`: absolute addresses on the site's address (PILARO_SITE_URL).
- `clients`: the client's address behind trusted proxies (an IPv6 client's /64), and the
  keyed hash that rate limits count by; django-axes reads it too.
- `limits`: rate limits, exact across workers and servers, one statement per hit.
- `secret_paths`: the paths that carry a secret, and the log filter that hides it.
- `dates`: how times are written for people: short for staff, in words for reports.
- `mail`: staff e-mails from a text template, with the footer every one of them carries.
- `schedules`: `oslo_daily`, a periodic job at an hour in Oslo, summer and winter.
- `db`: an index only PostgreSQL builds.
"""
