"""The README's shell blocks and its table of the tests that run them, read as a person
reads them: the tests that run a command take it from here, not from a copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
TABLE_HEADING = "## The README's commands, tested"


@dataclass(frozen=True)
class Row:
    command: str
    runner: str  # what runs it: tests as `path::name`, or why nothing does


def shell_blocks(text: str | None = None) -> list[list[str]]:
    """Each ```sh block's lines, without comments and trailing blanks."""
    text = README.read_text() if text is None else text
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", text, flags=re.M | re.S)
    return [
        [line for raw in block.splitlines() if (line := raw.split("  #")[0].strip())]
        for block in blocks
    ]


def commands(text: str | None = None) -> list[str]:
    """The commands a person is told to run: each shell line that is not an `export` or the
    continuation of the line before it."""
    found = []
    for block in shell_blocks(text):
        continued = False
        for line in block:
            if not continued and not line.startswith("export "):
                found.append(line.rstrip("\\ ").strip())
            continued = line.endswith("\\")
    return found


def setup_commands() -> list[str]:
    """The block under "Set-up on a fresh machine": the two commands of a newcomer."""
    section = README.read_text().split("## Set-up on a fresh machine", 1)[1]
    return commands(section.split("\n## ", 1)[0])


def table() -> list[Row]:
    """The rows of the table under TABLE_HEADING: a command, and what runs it."""
    section = README.read_text().split(TABLE_HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            rows.append(Row(command=cells[0].strip("`"), runner=cells[1]))
    return rows


def named_tests(runner: str) -> list[tuple[str, str]]:
    """The tests a row names, as (path, function name)."""
    return re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", runner)
