"""Property-based tests of both readers: text is never lost or reordered, and reading is deterministic."""

from __future__ import annotations

import html as html_escape
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from converter.readers import html, text

# CJK, Latin, digits, punctuation (full- and half-width), markup-looking characters and spaces.
ALPHABET = st.sampled_from(
    list("讲话会议同志们今天发展工作ABCxyz0129。，、：；！？“”（）<>&*#_[]{}%-=/\\'\" \u3000")
)
LINES = st.lists(st.text(ALPHABET, min_size=1, max_size=40), min_size=1, max_size=8)
CLEANING = {"site-chrome-removed", "page-footer-removed", "license-notice-removed"}


def visible(value: str) -> str:
    return "".join(value.split())


@settings(max_examples=150, deadline=None)
@given(LINES)
def test_text_reader_keeps_every_character_in_order(lines):
    source = "\n".join(lines)
    if not source.strip():
        return
    document = text.read_text(source)
    if {m.code for m in document.messages} & CLEANING:
        return  # a cleaning rule fired (and said so): removal is its job
    assert visible("".join(block.text for block in document.blocks)) == visible(source)


@settings(max_examples=50, deadline=None)
@given(LINES)
def test_text_reader_is_deterministic(lines):
    source = "\n".join(lines)
    if source.strip():
        assert text.read_text(source) == text.read_text(source)


@settings(max_examples=60, deadline=None)
@given(LINES)
def test_html_reader_keeps_paragraph_text_as_plain_text(tmp_path_factory, lines):
    if not visible("".join(lines)):
        return
    body = "".join(f"<p>{html_escape.escape(line)}</p>" for line in lines)
    page: Path = tmp_path_factory.mktemp("page") / "page.html"
    page.write_text(
        f"<html><head><meta charset='utf-8'></head><body><div class='content'>{body}</div></body></html>",
        encoding="utf-8",
    )
    document = html.read(page)
    assert visible("".join(block.text for block in document.blocks)) == visible("".join(lines))
    assert html.read(page) == document
