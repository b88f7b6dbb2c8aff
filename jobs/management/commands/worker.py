"""Run the job worker in the foreground: `make worker`, beside gunicorn.

Why a command of our own rather than `manage.py procrastinate worker`: when the database
goes away (a restart, a failover), procrastinate's worker stops as if asked to. This one
starts it again once the database answers, so a worker outlives a database restart
without a supervisor. SIGTERM or SIGINT stop it for good, after the running jobs finish.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from procrastinate.contrib.django import app

from jobs.queue import worker_connector

logger = logging.getLogger("jobs.worker")

QUEUES = ["notifications", "maintenance"]


class Command(BaseCommand):
    help = "Run background jobs (staff e-mail, the nightly purge) until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--concurrency",
            type=int,
            default=settings.JOBS_WORKER_CONCURRENCY,
            help="Jobs run at once (threads).",
        )
        parser.add_argument("--name", default=None, help="The worker's name in the logs.")

    def handle(self, *args, concurrency: int, name: str | None, **options):
        # Background work yields the CPU to the web server's requests on a shared machine.
        os.nice(settings.JOBS_WORKER_NICE)
        self.stopping = False
        self.worker = None
        pause = 1.0
        while not self.stopping:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: self._stop())
            started = time.monotonic()
            try:
                asyncio.run(self._run(concurrency=concurrency, name=name))
            except Exception as exc:  # the database was unreachable at the start
                logger.warning("Worker could not run (%s)", type(exc).__name__)
            if self.stopping:
                break
            # It stopped by itself: the database went away. Wait, then start again.
            pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 30.0)
            logger.warning("Worker stopped unasked (database gone?); again in %.0f s", pause)
            time.sleep(pause)
        logger.info("Worker stopped")

    def _stop(self) -> None:
        self.stopping = True
        if self.worker is not None:
            self.worker.stop()

    async def _run(self, *, concurrency: int, name: str | None) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self._stop)
        with app.replace_connector(worker_connector()):
            async with app.open_async():
                app.perform_import_paths()
                self.worker = app._worker(
                    queues=QUEUES,
                    concurrency=concurrency,
                    name=name,
                    install_signal_handlers=False,
                    shutdown_graceful_timeout=settings.JOBS_SHUTDOWN_SECONDS,
                )
                try:
                    if not self.stopping:
                        await self.worker.run()
                finally:
                    self.worker = None
