"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py`."""

import os

from django.core.wsgi import get_wsgi_application

from pilaro_site.startup import require_valid_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
require_valid_settings()

application = get_wsgi_application()


def _preload() -> None:
    """What requests need, loaded here, in gunicorn's master (preload_app): every worker it
    forks, and forks again on a HUP or a restart, starts with it instead of paying for it
    on its first requests (140 ms of CPU here). The app itself loads these on first use,
    which commands and job workers mostly never reach."""
    import email_validator  # noqa: F401 - common/emails.py
    import holidays  # noqa: F401 - contacts/calendar.py
    import markdown_it  # noqa: F401 - privacy/rendering.py
    import mdit_py_plugins.anchors  # noqa: F401 - privacy/rendering.py
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the URLconf, and the views it imports


_preload()
