"""Settings for the test suite: the site's own settings, with test-only defaults.

Tests always run on PostgreSQL: DATABASE_URL if set, else the local cluster.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pilaro")
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-the-test-suite-only-never-deployed")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("PILARO_PERSON_HASH_KEY", "person-hash-key-for-the-test-suite-only")
# Production refuses to start without the site's address; the test client's own host.
os.environ.setdefault("PILARO_SITE_URL", "http://testserver")
os.environ.setdefault("PILARO_FIELD_KEY", "dGVzdC1zdWl0ZS1vbmx5LWZpZWxkLWtleS1waWxhcm8=")

from pilaro_site.settings import *  # noqa: F403

# Django's test client speaks plain HTTP; the redirect itself is covered by check --deploy.
SECURE_SSL_REDIRECT = False
# Fast for the suite; PBKDF2 too, for users that a production-settings server must log in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The in-process suite is one process: local memory is shared enough, and needs no database
# for the cache.clear() around each test. The database cache that `make serve` uses by
# default is tested through real servers (tests/site/test_shared_limits.py, test_proxy.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
