from __future__ import annotations

import pytest

HOSTILE = """\
Vanlig tekst.

<script>alert("x")</script>

<img src=x onerror=alert(1)>

Inline <b onmouseover="alert(1)">fet</b> og [lenke](javascript:alert(1)).

## Overskrift <script>alert(2)</script>
"""


@pytest.mark.django_db
def test_raw_html_in_a_notice_comes_out_escaped(client, notice_dir):
    notice_dir.write("1.0", "2026-01-01", body=HOSTILE)

    html = client.get("/personvern/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert "<script" not in main
    assert "<img" not in main
    assert "<b " not in main
    assert 'href="javascript:' not in main
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in main
    assert "&lt;img src=x onerror=alert(1)&gt;" in main


def test_heading_ids_are_stable_ascii_slugs():
    from privacy.rendering import slugify

    assert slugify("Formålet med behandling av personopplysninger") == (
        "formalet-med-behandling-av-personopplysninger"
    )
    assert slugify("Hvor lenge vi lagrer data") == "hvor-lenge-vi-lagrer-data"
    assert slugify("Særlige kategorier – ØKONOMI") == "saerlige-kategorier-okonomi"


TABLE = """\
## Formål

| Formål | Rettslig grunnlag | Lagringstid |
| --- | --- | --- |
| Svare deg | GDPR art. 6 nr. 1 bokstav f | Ett år |
"""


@pytest.mark.django_db
def test_a_table_in_a_notice_gets_a_caption_naming_its_columns(client, notice_dir):
    notice_dir.write("1.0", "2026-01-01", body=TABLE)

    html = client.get("/personvern/").content.decode()

    assert (
        '<table class="table notice-table">\n'
        "<caption>Formål, rettslig grunnlag og lagringstid</caption>" in html
    )


def test_the_caption_keeps_an_acronym_and_escapes_the_header_text():
    from privacy.rendering import _convert

    html = _convert("| Navn | GDPR <b> |\n| --- | --- |\n| a | b |\n").html

    assert "<caption>Navn og GDPR &lt;b&gt;</caption>" in html


def test_server_threads_parsing_at_once_with_a_new_parser_all_get_the_same_page():
    """markdown-it compiles its rule chains on a parser's first parse; a thread that parsed
    while another compiled saw a chain half built and rendered with rules missing (an
    empty label, in a run of this test without the fix). Each trial starts from a new
    parser, as a new server process does, first used by six threads at once."""
    import sys
    import threading

    from privacy import rendering

    label = "Jeg vil ha e-post om [tilbud](https://example.no) og *nyheter*."
    expected = rendering.inline(label).html
    wrong = []

    def render(barrier: threading.Barrier) -> None:
        barrier.wait()
        if (html := rendering.inline(label).html) != expected:
            wrong.append(html)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(200):
            rendering._markdown.cache_clear()
            rendering.inline.cache_clear()
            rendering._markdown(inline=True)  # the new process's parser
            barrier = threading.Barrier(6)
            threads = [threading.Thread(target=render, args=(barrier,)) for _ in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    finally:
        sys.setswitchinterval(interval)

    assert wrong == []
