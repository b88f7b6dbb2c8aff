from __future__ import annotations

import re

from tests.site.conftest import ROOT

READERS = re.compile(
    r"""env_(?:str|bool|int|list|contact_uris|fernet_keys)\(\s*["']([A-Z0-9_]+)["']"""
)


def documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z0-9_]+)=", text, re.M))


def test_every_variable_the_site_reads_is_documented_in_env_example():
    read = set()
    for path in (ROOT / "pilaro_site" / "settings.py", ROOT / "gunicorn.conf.py"):
        read |= set(READERS.findall(path.read_text()))

    assert read - documented() == set()
    assert "DJANGO_SECRET_KEY" in read


def test_the_readme_names_every_documented_variable():
    readme = (ROOT / "README.md").read_text()

    assert [name for name in sorted(documented()) if name not in readme] == []
