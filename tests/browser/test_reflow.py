"""WCAG 2.1 1.4.10 (Reflow): on a 320 px and a 375 px wide phone no public page scrolls
sideways. A wide table may scroll inside its own box; the document may not."""

from __future__ import annotations

import pytest

from tests.pages import EVERY_PUBLIC_PAGE

WIDTHS = [320, 375]

# What sticks out, for the failure message: boxes past the right edge of the viewport
# (outside any box that scrolls or clips), and text wider than its own box (a long word).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const contained = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") return true;  // scrolls or clips
    }
    return false;
  };
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1
    || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible");
  const found = [...document.querySelectorAll("body *")]
    .filter((el) => !contained(el) && sticksOut(el));
  return found
    .filter((el) => !found.some((other) => other !== el && el.contains(other)))
    .slice(0, 4)
    .map((el) => `<${el.tagName.toLowerCase()}> «${el.textContent.trim().slice(0, 30)}»`);
}"""


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_no_public_page_scrolls_sideways_on_a_phone(site, new_page, width):
    page = new_page({"width": width, "height": 740})
    too_wide = {}
    for path in EVERY_PUBLIC_PAGE:
        page.goto(site + path)
        scroll_width, client_width = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll_width > client_width:
            too_wide[path] = (scroll_width, page.evaluate(OVERFLOWING))

    assert too_wide == {}, "\n".join(
        f"{path}: {scroll} px wide at {width} px: {', '.join(culprits)}"
        for path, (scroll, culprits) in too_wide.items()
    )
    # Nothing the page needs for its layout was blocked (the 404 page's own status and a
    # favicon load cut short by the next page are not the layout's business).
    assert [e for e in page.console.errors if "Content Security Policy" in e] == []
