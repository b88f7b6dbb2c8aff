"""Where a version's declarations come from: its front matter, or the side file beside a
text published before declarations existed; and its text with the purposes table
rendered from them in place of the `[[behandlinger]]` line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from privacy import declarations as decl


def _side_declarations(path: Path) -> tuple[decl.Declarations | None, str | None]:
    """The declarations in the side file beside `path`, and the side file's SHA-256."""
    side = decl.side_file(path)
    if not side.exists():
        return None, None
    raw = side.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0]
        raise decl.DeclarationError(f"{side.name} cannot be read: {first_line}") from None
    try:
        return decl.parse(data, side=True), hashlib.sha256(raw).hexdigest()
    except decl.DeclarationError as exc:
        raise decl.DeclarationError(f"{side.name}: {exc}") from None


def declared(
    path: Path, meta: dict, body: str
) -> tuple[decl.Declarations | None, str | None, str]:
    """A version's declarations (front matter or side file), the side file's SHA-256, and
    the body with the purposes table rendered from the declarations in place of its marker.
    """
    in_front_matter = any(key in meta for key in decl.KEYS)
    declarations, side_sha256 = _side_declarations(path)
    if in_front_matter and declarations is not None:
        raise decl.DeclarationError(
            f"declarations both in the front matter and in {decl.side_file(path).name}"
        )
    if in_front_matter:
        declarations = decl.parse({k: meta[k] for k in decl.KEYS if k in meta}, side=False)
    has_marker = any(line.strip() == decl.TABLE_MARKER for line in body.splitlines())
    if has_marker and not in_front_matter:
        raise decl.DeclarationError(
            f"the text has the line {decl.TABLE_MARKER} but no declarations in its front matter"
        )
    if in_front_matter and not has_marker:
        raise decl.DeclarationError(
            f"the text needs the line {decl.TABLE_MARKER} where the purposes table goes: "
            "the table is rendered from the declarations"
        )
    if has_marker:
        table = decl.purposes_table(declarations)
        body = "\n".join(
            table if line.strip() == decl.TABLE_MARKER else line for line in body.splitlines()
        )
    if declarations is None and meta["status"] == "published":
        raise decl.DeclarationError(
            "a published version needs declarations (front matter, or "
            f"{decl.side_file(path).name} for a text published before them)"
        )
    return declarations, side_sha256, body
