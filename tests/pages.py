"""The site's public pages, for the suites that visit every one of them."""

PUBLIC_PAGES = [
    "/",
    "/personvern/",
    "/personvern/versjoner/",
    "/personvern/versjoner/1.0/",
    "/personvern/versjoner/1.1/",
    "/personvern/versjoner/1.1/endringer/",
    "/kontakt/",
    "/kontakt/takk/",
    "/finnes-ikke/",
]
