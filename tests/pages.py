"""The site's public pages, for the suites that visit every one of them."""

from __future__ import annotations

from privacy.registry import get_registry


def notice_pages() -> list[str]:
    """Each published notice version's page, and its "what changed" page when it has a
    predecessor: from the registry, so a newly published version is visited too."""
    registry = get_registry()
    pages = []
    for notice in registry.published:
        pages.append(f"/personvern/versjoner/{notice.version}/")
        if registry.predecessor(notice) is not None:
            pages.append(f"/personvern/versjoner/{notice.version}/endringer/")
    return pages


PUBLIC_PAGES = [
    "/",
    "/personvern/",
    "/personvern/versjoner/",
    *notice_pages(),
    "/kontakt/",
    "/kontakt/takk/",
    "/finnes-ikke/",
]

# "Dine opplysninger": the page that asks for an address (it has a form, so it sets the
# CSRF cookie) and the page after it. The pages behind the e-mailed link are not public.
SELF_SERVICE_PAGES = ["/personvern/mine-opplysninger/", "/personvern/mine-opplysninger/sendt/"]

# Every page a visitor can reach without a link from an e-mail.
EVERY_PUBLIC_PAGE = [*PUBLIC_PAGES, *SELF_SERVICE_PAGES]
