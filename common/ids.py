"""Time-ordered UUIDs: the layout of RFC 9562's version 7, which Python 3.11 lacks."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """A random UUID whose first 48 bits are the Unix time in milliseconds.

    Unique as a uuid4 is, for any practical purpose (74 random bits in each millisecond),
    and new ones sort after old ones: a unique index on them grows at its right edge.
    A uuid4 lands on a random leaf of the index instead; once the index outgrows the
    cache, and after each checkpoint, nearly every insert then reads a page and writes a
    full-page image to the WAL (contacts migration 0028).
    """
    value = (time.time_ns() // 1_000_000 & (1 << 48) - 1) << 80
    value |= int.from_bytes(os.urandom(10), "big")
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC's variant
    return uuid.UUID(int=value)
