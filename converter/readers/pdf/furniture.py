"""Page furniture: what a printer puts on every page that is not part of the text.

Two kinds are removed from the top and bottom bands of each page:
- page numbers in their usual forms: 3, - 3 -, — 3 —, —3—, 第3页, 第 3 页 共 10 页, 3/10, Page 3 of 10,
  and roman numerals;
- running headers and footers: a line whose text, with its digits ignored, stands at about the same
  height on at least 40 % of the pages (and on two pages or more). 40 % rather than most, because
  books alternate two headers (the title on even pages, the chapter on odd ones).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from .lines import Line, PageLines

# The share of a page's height, at the top and at the bottom, where headers and footers stand.
BAND = 0.12
MIN_SHARE = 0.4

_DASHES = r"[-‐‑‒–—―－~～·•\s]*"
_PAGE_NUMBER = re.compile(
    rf"^{_DASHES}(?:"
    r"第?\s*\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}|\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:page|p\.|seite|página|pagina)\s*\d{1,4}(?:\s*(?:of|/|von|de|di)\s*\d{1,4})?"
    r"|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
    rf"){_DASHES}$",
    re.IGNORECASE,
)


@dataclass
class Removed:
    headers: int = 0
    footers: int = 0
    page_numbers: int = 0
    pages: int = 0

    @property
    def total(self) -> int:
        return self.headers + self.footers + self.page_numbers

    def describe(self) -> str:
        parts = [
            f"{n} {what}"
            for n, what in (
                (self.headers, "running header lines"),
                (self.footers, "running footer lines"),
                (self.page_numbers, "page numbers"),
            )
            if n
        ]
        return f"Removed page furniture from {self.pages} pages: {', '.join(parts)}."


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def remove_furniture(pages: list[PageLines]) -> tuple[list[PageLines], Removed]:
    """The pages without their headers, footers and page numbers, and a count of what went."""
    repeated = _repeated_band_lines(pages)
    removed = Removed(pages=len(pages))
    out = []
    for page in pages:
        kept = []
        for line in page.lines:
            band = _band(line, page)
            if band and is_page_number(line.text):
                removed.page_numbers += 1
            elif band and (band, _shape(line.text)) in repeated:
                if band == "top":
                    removed.headers += 1
                else:
                    removed.footers += 1
            else:
                kept.append(line)
        out.append(replace(page, lines=tuple(kept)))
    return out, removed


def _band(line: Line, page: PageLines) -> str | None:
    if line.bottom <= page.height * BAND:
        return "top"
    if line.top >= page.height * (1 - BAND):
        return "bottom"
    return None


def _shape(text: str) -> str:
    """A line's text with digits and spaces folded, so 'Report 2024 – page 3' matches on every page."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated_band_lines(pages: list[PageLines]) -> set[tuple[str, str]]:
    if len(pages) < 2:
        return set()
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for page in pages:
        for line in page.lines:
            band = _band(line, page)
            if band:
                seen[(band, _shape(line.text))].add(page.index)
    needed = max(2, MIN_SHARE * len(pages))
    return {key for key, on_pages in seen.items() if len(on_pages) >= needed}
