"""gunicorn configuration, read from the environment (see .env.example).

`make serve` runs: gunicorn -c gunicorn.conf.py
"""

import multiprocessing
import os

from pilaro_site.env import env_int, env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilaro_site.settings")

wsgi_app = "pilaro_site.wsgi:application"
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000")
# Cores + 1, not gunicorn's usual 2 x cores + 1: with PostgreSQL on the same cores, fewer
# processes gave the same throughput and a third of the tail latency (docs/performance.md).
workers = env_int("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1, minimum=1)
threads = env_int("GUNICORN_THREADS", 1, minimum=1)
# One thread per worker: gunicorn's sync worker, woken alone per connection (see the module).
worker_class = "pilaro_site.gunicorn_worker.SyncWorker" if threads == 1 else "gthread"
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 30
keepalive = 5
# Load Django once in the master: a configuration error stops the start with one line, and
# workers share the imported code. Database connections are opened per worker, after fork.
preload_app = True
# No control socket (gunicorn 25+ opens one in $HOME by default): nothing here uses it,
# it is one more way to command the server, and two servers on one machine would share it.
control_socket_disable = True
worker_tmp_dir = "/dev/shm"  # noqa: S108 - gunicorn heartbeat files, in memory

# A header name with an underscore is refused (400), not dropped in silence: nginx drops
# such names before they reach us, so only a client that bypasses it sends one.
header_map = "refuse"

errorlog = "-"
accesslog = "-" if env_str("GUNICORN_ACCESS_LOG", "1") not in {"0", "false", "off"} else None
# No client address (personal data) and no query string (an admin search can carry an
# e-mail address): method, path, status, bytes and time only.
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
# ...and no secret in a path: the single-use links of "Dine opplysninger" are logged hidden.
logger_class = "pilaro_site.gunicorn_logging.Logger"
