from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

from privacy import manifest

BODY = """\
Innledning til versjon {version}.

## Hva vi samler inn

Navn og e-post.

| Formål | Rettslig grunnlag | Opplysninger |
| --- | --- | --- |
| Svare deg. | Samtykke. | Navn og e-post. |

## Dine rettigheter

Du kan be om innsyn i versjon {version}.
"""


class NoticeDir:
    """A temporary notice directory that the site reads instead of the shipped one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(
        self,
        version: str,
        effective: str,
        *,
        status: str = "published",
        summary: str = "Endringer.",
        body: str | None = None,
        front_matter: str | None = None,
        record: bool = True,
    ) -> Path:
        if front_matter is None:
            front_matter = textwrap.dedent(
                f"""\
                version: "{version}"
                effective: {effective}
                status: {status}
                summary: "{summary}"
                """
            )
        if body is None:
            body = BODY.format(version=version)
        text = f"---\n{front_matter}---\n\n{body}"
        path = self.path / f"{version}.md"
        path.write_text(text)
        if record and status == "published":
            manifest.add(self.path, {path.name: hashlib.sha256(text.encode()).hexdigest()})
        return path


@pytest.fixture
def notice_dir(tmp_path, settings) -> NoticeDir:
    directory = tmp_path / "notices"
    directory.mkdir()
    settings.PRIVACY_NOTICE_DIR = directory
    return NoticeDir(directory)
