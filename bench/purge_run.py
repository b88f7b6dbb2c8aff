"""Run purge_expired_enquiries in this process and report its time and peak memory.

Run by bench/run.py with the bench database's environment; prints one JSON line.
"""

from __future__ import annotations

import json
import os
import resource
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("purge_expired_enquiries", verbosity=0)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kib / 1024}))


if __name__ == "__main__":
    main()
