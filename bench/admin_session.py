"""A fresh superuser `bench-admin` and a logged-in session for it, in-process.

Run by bench/run.py with the bench database's environment; prints one JSON line with the
session key, for the bench's admin requests (bench/admin_queries.py logs in by itself).
"""

from __future__ import annotations

import json
import os

USERNAME = "bench-admin"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    User.objects.filter(username=USERNAME).delete()
    user = User.objects.create_superuser(USERNAME, password=None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(json.dumps({"session": session.session_key}))


if __name__ == "__main__":
    main()
