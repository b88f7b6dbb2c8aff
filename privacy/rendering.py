"""Markdown to HTML (with a table of contents), and the word-level diff between versions.

Both are pure functions of the notice text (with its facts: `with_facts`), cached per
process by the text's SHA-256, so a version is rendered once however many requests read
it. Raw HTML in the source is escaped (markdown-it's "html" option is off), and unsafe
link schemes are refused by markdown-it.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from privacy.datamap import get_data_map
from privacy.registry import Notice

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FACT_RE = re.compile(r"^\[\[([a-z0-9-]+)\]\]$")
_TRANSLITERATE = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u"})


def slugify(text: str) -> str:
    """A stable, ASCII heading id: "Hvor lenge vi lagrer data" -> "hvor-lenge-vi-lagrer-data"."""
    ascii_text = text.lower().translate(_TRANSLITERATE)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "seksjon"


@functools.cache
def _markdown(inline: bool = False) -> MarkdownIt:
    """The parser, built on first use: markdown-it is imported then, not when the app
    loads, which every command, worker and server does (50 ms of CPU each here).

    Handed out ready: markdown-it compiles each rule chain on its first parse, and a
    server thread that parsed while another compiled could see the chain half built (a
    page rendered with rules missing). So it parses once here, before any thread gets it
    (functools.cache keeps the instance only once this returns)."""
    from markdown_it import MarkdownIt

    if inline:
        md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    else:
        from mdit_py_plugins.anchors import anchors_plugin

        md = (
            MarkdownIt("commonmark", {"html": False, "typographer": False})
            .enable("table")
            .use(anchors_plugin, min_level=2, max_level=3, slug_func=slugify)
        )
        md.add_render_rule("table_open", _render_table_open)
    md.parse("*x*")  # compiles the core, block and both inline chains
    return md


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedNotice:
    html: SafeString
    toc: tuple[TocEntry, ...]

    @property
    def toc_tree(self) -> list[tuple[TocEntry, list[TocEntry]]]:
        """Sections (h2) with their sub-sections (h3), for a nested table of contents."""
        tree: list[tuple[TocEntry, list[TocEntry]]] = []
        for entry in self.toc:
            if entry.level == 3 and tree:
                tree[-1][1].append(entry)
            else:
                tree.append((entry, []))
        return tree


def _caption(headers: list[str]) -> str:
    """A table's caption from its column headers, as a Norwegian phrase: "Formål, rettslig
    grunnlag og lagringstid". Markdown has no caption, and the published texts never
    change, so the renderer writes one (an acronym such as "GDPR" keeps its capitals)."""
    words = [headers[0], *(h if h[:2].isupper() else h[:1].lower() + h[1:] for h in headers[1:])]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " og " + words[-1]


def _header_texts(tokens: list[Token], start: int) -> list[str]:
    """The plain text of each column header of the table that opens at `start`."""
    texts = []
    for i in range(start, len(tokens)):
        if tokens[i].type == "thead_close":
            break
        if tokens[i].type == "th_open":
            inline = tokens[i + 1]
            texts.append("".join(child.content for child in inline.children or []).strip())
    return [text for text in texts if text]


def _render_table_open(renderer, tokens: list[Token], idx: int, options, env) -> str:
    html = renderer.renderToken(tokens, idx, options, env)
    caption = tokens[idx].meta.get("caption")
    return html + f"<caption>{escape(caption)}</caption>\n" if caption else html


def _accessible_tables(tokens: list[Token]) -> None:
    """Each table gets a caption; header cells get scope="col"; the first cell of each
    body row is its row header."""
    in_body = False
    first_cell_of_row = False
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.attrSet("class", "table notice-table")
            headers = _header_texts(tokens, index)
            token.meta["caption"] = _caption(headers) if headers else ""
        elif token.type == "th_open":
            token.attrSet("scope", "col")
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif token.type == "tr_open" and in_body:
            first_cell_of_row = True
        elif token.type == "td_open" and first_cell_of_row:
            token.tag = "th"
            token.attrSet("scope", "row")
        elif token.type == "td_close" and first_cell_of_row:
            token.tag = "th"
            first_cell_of_row = False


def _convert(text: str) -> RenderedNotice:
    md = _markdown()
    env: dict = {}
    tokens = md.parse(text, env)
    _accessible_tables(tokens)
    toc = tuple(
        TocEntry(level=int(token.tag[1]), id=token.attrGet("id") or "", text=tokens[i + 1].content)
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag in ("h2", "h3")
    )
    html = md.renderer.render(tokens, md.options, env)
    return RenderedNotice(html=mark_safe(html), toc=toc)  # noqa: S308 - html is off: all escaped


def with_facts(body: str) -> str:
    """The text with each line `[[fact]]` replaced by what the data map says of the running
    site (the cookie table, where rate-limit counters live, what an erasure record keeps):
    claims computed from the code that does it, not written by hand."""
    facts = get_data_map().facts
    lines = []
    for line in body.splitlines():
        match = FACT_RE.match(line.strip())
        lines.append(facts[match.group(1)]() if match and match.group(1) in facts else line)
    return "\n".join(lines) + "\n"


def render_notice(notice: Notice) -> RenderedNotice:
    body = with_facts(notice.body)
    # The facts follow the settings, which a test may change: they are part of the key.
    key = (notice.sha256, hashlib.sha256(body.encode()).hexdigest())
    rendered = _rendered.get(key)
    if rendered is None:
        rendered = _rendered[key] = _convert(body)
    return rendered


# --- What changed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    section: str
    kind: str  # "changed", "added" or "removed"
    html: SafeString


# Keyed by the file's SHA-256: a version's text never changes under the same hash, and the
# handful of versions makes an unbounded dict the simplest correct cache.
_rendered: dict[tuple[str, str], RenderedNotice] = {}
_diffs: dict[tuple[str, str], tuple[Change, ...]] = {}


_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _plain_blocks(text: str) -> list[tuple[bool, str]]:
    """Lines of the source as (is_heading, plain text): Markdown syntax out, words in."""
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if not line or _TABLE_RULE.match(line):
            continue
        if line.startswith("#"):
            blocks.append((True, line.lstrip("#").strip()))
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            blocks.append((False, " · ".join(cells)))
        else:
            blocks.append((False, line))
    return blocks


def _mark(tag: str, label: str, text: str) -> str:
    return f'<{tag}><span class="visually-hidden">{label}: </span>{escape(text)}</{tag}>'


def _word_diff(old: str, new: str) -> str:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(_mark("del", "Fjernet", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(_mark("ins", "Lagt til", "".join(b[j1:j2])))
    return "".join(out)


def _sections(blocks: list[tuple[bool, str]]) -> list[str]:
    """For each block, the heading of the section it stands in."""
    sections, current = [], "Innledning"
    for is_heading, text in blocks:
        current = text if is_heading else current
        sections.append(current)
    return sections


def _diff(old_text: str, new_text: str) -> tuple[Change, ...]:
    old, new = _plain_blocks(old_text), _plain_blocks(new_text)
    old_sections, new_sections = _sections(old), _sections(new)
    old_texts, new_texts = [t for _, t in old], [t for _, t in new]
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for k in range(paired):
            html = _word_diff(old_texts[i1 + k], new_texts[j1 + k])
            changes.append(Change(new_sections[j1 + k], "changed", mark_safe(html)))  # noqa: S308
        for i in range(i1 + paired, i2):
            html = _mark("del", "Fjernet", old_texts[i])
            changes.append(Change(old_sections[i], "removed", mark_safe(html)))  # noqa: S308
        for j in range(j1 + paired, j2):
            html = _mark("ins", "Lagt til", new_texts[j])
            changes.append(Change(new_sections[j], "added", mark_safe(html)))  # noqa: S308
    return tuple(changes)


def diff_notices(old: Notice, new: Notice) -> tuple[Change, ...]:
    """The passages that differ, each with its section and words marked <del>/<ins>."""
    key = (old.sha256, new.sha256)
    changes = _diffs.get(key)
    if changes is None:
        changes = _diffs[key] = _diff(old.body, new.body)
    return changes


# --- Short texts from the declarations ---------------------------------------------------


@dataclass(frozen=True)
class ShownText:
    """A declared text (a consent label, the form's information) as the page shows it,
    and as plain text: the evidence of what was shown."""

    html: SafeString
    text: str


@functools.lru_cache(maxsize=256)
def inline(markdown: str) -> ShownText:
    """One line of Markdown (links, emphasis) as HTML, and the same words as plain text."""
    html = _markdown(inline=True).renderInline(markdown)
    # S308: markdown-it escapes everything ("html" is off) and refuses unsafe link schemes.
    return ShownText(html=mark_safe(html), text=unescape(strip_tags(html)))  # noqa: S308
