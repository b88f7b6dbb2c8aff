"""Run jobs in threads: at the same moment, as two cron runs or two requests do; or an
asyncio program in a thread of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection


def run_at_once(*jobs: Callable[[], object]) -> list[BaseException]:
    """Start every job in its own thread at once; return what they raised.

    Each thread closes its own database connection at the end, as a process would.
    """
    barrier = threading.Barrier(len(jobs))
    raised: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # collected for the test to assert on
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


def in_a_thread(function: Callable, **kwargs):
    """Run an asyncio.run()-based function in a thread of its own: in the whole suite an
    event loop may already be running in this one (Playwright's sync API leaves one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, **kwargs).result()
