"""SHA256SUMS beside the notices: the published texts as committed to the repository.

The database records what production has published; this file lets `make test` and a
fresh deploy notice a changed published text before any database has seen it. It uses
sha256sum's format, so `sha256sum -c SHA256SUMS` in the notice directory verifies it too.
"""

from __future__ import annotations

from pathlib import Path

FILENAME = "SHA256SUMS"


def read(directory: Path) -> dict[str, str]:
    path = directory / FILENAME
    if not path.exists():
        return {}
    recorded = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            recorded[name.lstrip("*")] = digest
    return recorded


def add(directory: Path, entries: dict[str, str]) -> None:
    """Record new files; an existing entry is never rewritten."""
    recorded = read(directory)
    recorded.update({name: digest for name, digest in entries.items() if name not in recorded})
    lines = [f"{digest}  {name}" for name, digest in sorted(recorded.items())]
    (directory / FILENAME).write_text("\n".join(lines) + "\n")
