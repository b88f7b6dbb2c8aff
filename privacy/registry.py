"""The notice registry: reads and validates the versioned Markdown files once per process.

Each file in the notice directory is one version, named `<version>.md`, with YAML front
matter (version, effective, status, summary, and the processing declarations) and a
Markdown body. A version published before declarations existed has them in a side file
beside it (see `privacy.declarations` and docs/declarations.md).
Which version is in force is decided per call from today's date in Europe/Oslo, so an
upcoming version takes over at midnight with no deploy or restart.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from privacy import declarations as decl
from privacy.declaration_files import declared

PUBLISHED = "published"
DRAFT = "draft"
STATUSES = (PUBLISHED, DRAFT)
REQUIRED_KEYS = ("version", "effective", "status", "summary")
OPTIONAL_KEYS = decl.KEYS
VERSION_RE = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")


@dataclass(frozen=True)
class Notice:
    version: str
    effective: dt.date
    status: str
    summary: str
    body: str
    path: Path
    sha256: str  # of the whole file: a changed date or summary changes it too
    declarations: decl.Declarations | None = None
    # A side file's SHA-256, for a version whose declarations live beside it.
    side_file_sha256: str | None = None

    @property
    def side_file(self) -> Path:
        return decl.side_file(self.path)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def sort_key(self) -> tuple[int, ...]:
        return version_key(self.version)


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}: {self.message}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _read(path: Path) -> tuple[bytes, frontmatter.Post | None, list[Problem]]:
    """The file's bytes and its front matter and text, or why they cannot be read."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw, None, [Problem(path, "the file is not UTF-8 text")]
    if not text.startswith("---"):
        return raw, None, [Problem(path, "malformed front matter: the file must start with '---'")]
    try:
        return raw, frontmatter.loads(text), []
    except ValueError as exc:
        # PyYAML raises ValueError while building a date such as 2026-13-40.
        return raw, None, [Problem(path, f"unparseable date in the front matter ({exc})")]
    except yaml.YAMLError as exc:
        first_line = str(exc).splitlines()[0]
        return raw, None, [Problem(path, f"malformed front matter: {first_line}")]


def _metadata_problems(path: Path, post: frontmatter.Post) -> list[Problem]:
    meta = post.metadata
    problems = [
        Problem(path, f"front matter lacks '{key}'") for key in REQUIRED_KEYS if key not in meta
    ]
    unknown = sorted(set(meta) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    problems += [Problem(path, f"unknown front matter key '{key}'") for key in unknown]
    if problems:
        return problems
    version, effective, status, summary = (meta[key] for key in REQUIRED_KEYS)
    if not isinstance(version, str) or not VERSION_RE.match(version):
        problems.append(
            Problem(path, f'version must be a quoted string like "1.2", not {version!r}')
        )
    if isinstance(effective, dt.datetime) or not isinstance(effective, dt.date):
        problems.append(
            Problem(path, f"unparseable date: effective must be YYYY-MM-DD, not {effective!r}")
        )
    if status not in STATUSES:
        problems.append(Problem(path, f"status must be 'published' or 'draft', not {status!r}"))
    if not isinstance(summary, str) or not summary.strip():
        problems.append(Problem(path, "summary must be a non-empty line of text"))
    if not post.content.strip():
        problems.append(Problem(path, "the notice has no text"))
    return problems


def _parse(path: Path) -> tuple[Notice | None, list[Problem]]:
    raw, post, problems = _read(path)
    if post is None:
        return None, problems
    problems = _metadata_problems(path, post)
    if problems:
        return None, problems
    meta = post.metadata
    try:
        declarations, side_sha256, body = declared(path, meta, post.content.strip())
    except decl.DeclarationError as exc:
        return None, [Problem(path, f"declarations: {exc}")]
    notice = Notice(
        version=meta["version"],
        effective=meta["effective"],
        status=meta["status"],
        summary=meta["summary"].strip(),
        body=body + "\n",
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        declarations=declarations,
        side_file_sha256=side_sha256,
    )
    if path.name != f"{notice.version}.md":
        # Still a notice, so that a duplicate version is reported as such too.
        return notice, [
            Problem(
                path, f"the file for version {notice.version} must be named {notice.version}.md"
            )
        ]
    return notice, []


def _cross_problems(notices: Iterable[Notice]) -> list[Problem]:
    problems: list[Problem] = []
    by_version: dict[str, Notice] = {}
    by_date: dict[dt.date, Notice] = {}
    for notice in sorted(notices, key=lambda n: n.path.name):
        if other := by_version.get(notice.version):
            problems.append(
                Problem(
                    notice.path, f"duplicate version {notice.version} (also in {other.path.name})"
                )
            )
        by_version.setdefault(notice.version, notice)
        if other := by_date.get(notice.effective):
            problems.append(
                Problem(
                    notice.path,
                    f"effective the same day ({notice.effective}) as version {other.version} "
                    f"in {other.path.name}",
                )
            )
        by_date.setdefault(notice.effective, notice)
    published = sorted((n for n in notices if n.is_published), key=lambda n: n.sort_key)
    for earlier, later in itertools.pairwise(published):
        if later.effective <= earlier.effective:
            problems.append(
                Problem(
                    later.path,
                    f"version {later.version} takes effect on {later.effective}, not after "
                    f"version {earlier.version} ({earlier.effective})",
                )
            )
    return problems


def load(directory: Path) -> tuple[list[Notice], list[Problem]]:
    """Every valid notice in `directory`, and every problem found (file and message)."""
    if not directory.is_dir():
        return [], [Problem(directory, "the notice directory does not exist")]
    notices: list[Notice] = []
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.md")):
        notice, found = _parse(path)
        problems += found
        if notice is not None:
            notices.append(notice)
    problems += _cross_problems(notices)
    return notices, problems


@dataclass(frozen=True)
class Registry:
    notices: tuple[Notice, ...]
    _by_version: dict[str, Notice] = field(init=False, repr=False, compare=False)
    _in_force_on: dict[dt.date, Notice | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_version", {n.version: n for n in self.notices})
        # The version in force by day: every blank form asks for it (its token names it).
        object.__setattr__(self, "_in_force_on", {})

    @functools.cached_property
    def published(self) -> tuple[Notice, ...]:
        """Published versions, oldest first. Worked out once: the registry never changes,
        and the form asks for the version in force on every page it is shown on."""
        return tuple(
            sorted((n for n in self.notices if n.is_published), key=lambda n: n.effective)
        )

    @property
    def drafts(self) -> list[Notice]:
        return sorted((n for n in self.notices if not n.is_published), key=lambda n: n.sort_key)

    def get(self, version: str) -> Notice | None:
        return self._by_version.get(version)

    def in_force(self, today: dt.date | None = None) -> Notice | None:
        """The published version whose effective date is the latest on or before today."""
        today = today or timezone.localdate()
        known = self._in_force_on
        if today in known:
            return known[today]
        current = None
        for notice in self.published:
            if notice.effective <= today:
                current = notice
        if len(known) > 31:  # a long-lived process: the days it saw
            known.clear()
        known[today] = current
        return current

    def upcoming(self, today: dt.date | None = None) -> list[Notice]:
        today = today or timezone.localdate()
        return [n for n in self.published if n.effective > today]

    def predecessor(self, notice: Notice) -> Notice | None:
        """The published version before this one; for a draft, the latest published one."""
        if notice.is_published:
            earlier = [n for n in self.published if n.effective < notice.effective]
        else:
            earlier = self.published
        return earlier[-1] if earlier else None


def notice_directory() -> Path:
    return Path(settings.PRIVACY_NOTICE_DIR)


@functools.lru_cache(maxsize=8)
def _registry_for(directory: Path | str) -> Registry:
    notices, problems = load(Path(directory))
    if problems:
        raise ImproperlyConfigured(
            "Invalid privacy notice files: " + "; ".join(str(p) for p in problems)
        )
    return Registry(tuple(notices))


def get_registry() -> Registry:
    """The registry for the configured directory, read once per process (looked up by the
    setting's own value: a Path made afresh would hash afresh on every call)."""
    return _registry_for(settings.PRIVACY_NOTICE_DIR)
