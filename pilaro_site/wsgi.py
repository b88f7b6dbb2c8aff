"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py`."""

import os

from django.core.wsgi import get_wsgi_application

from pilaro_site.startup import require_valid_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
require_valid_settings()

application = get_wsgi_application()
