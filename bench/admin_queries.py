"""Count the queries of the admin change list and an e-mail search, in-process.

Run by bench/run.py with the bench database's environment; prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys


def main(email: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.admin_session import USERNAME, second_factor

    user = User.objects.get(username=USERNAME)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    second_factor(session, user)
    session.save()
    counts = {}
    for name, params in (("changelist", {}), ("search", {"q": email})):
        client.get(
            "/" + os.environ.get("DJANGO_ADMIN_PATH", "intern/") + "contacts/enquiry/", params
        )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                "/" + os.environ.get("DJANGO_ADMIN_PATH", "intern/") + "contacts/enquiry/", params
            )
        assert response.status_code == 200, response.status_code
        counts[name] = len(ctx.captured_queries)
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1])
