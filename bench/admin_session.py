"""A fresh superuser `bench-admin` and a logged-in session for it, in-process.

Run by bench/run.py with the bench database's environment; prints one JSON line with the
session key, for the bench's admin requests (bench/admin_queries.py logs in by itself).
The session is a finished staff login: the password, then the second factor (an
authenticator app, recorded in the session as django_otp.login records it).
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
    second_factor(session, user)
    session.create()
    print(json.dumps({"session": session.session_key}))


def second_factor(session, user) -> None:
    """Record in `session` that `user` passed the second factor with their app."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "bench"})
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


if __name__ == "__main__":
    main()
