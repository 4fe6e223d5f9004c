"""A PDF printed from a Word file gives the same page, in a real browser, as the Word file itself.

LibreOffice prints an office-style Word speech to PDF; both files go into one archive, the site is
built with `mkdocs build --strict`, and Chromium opens the two speech pages and compares what a
reader sees: the headings and their table of contents, the paragraphs, the table, and the original
file offered for download.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers import build_site, require_soffice

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "readers"))
from pdf_fixtures import chinese_speech_docx, print_with_libreoffice  # noqa: E402


@pytest.fixture(scope="module")
def twin_site(tmp_path_factory, serve):
    require_soffice()
    work = tmp_path_factory.mktemp("twins")
    sources = work / "sources"
    sources.mkdir()
    docx = chinese_speech_docx(work / "word-speech.docx")
    print_with_libreoffice([docx], work)
    shutil.copy(docx, sources / "word-speech.docx")
    shutil.copy(work / "word-speech.pdf", sources / "printed-speech.pdf")
    site = build_site(sources, work)
    return serve(site)


def what_a_reader_sees(page) -> dict:
    article = page.locator("article")
    return {
        "title": page.locator("h1").first.inner_text(),
        "headings": article.locator("h2, h3, h4").all_inner_texts(),
        "toc": page.locator(".md-sidebar--secondary .md-nav__link").all_inner_texts(),
        "paragraphs": [p for p in article.locator("p").all_inner_texts() if len(p) > 40],
        "table": article.locator("table td").all_inner_texts(),
    }


def test_pdf_page_looks_like_its_word_twin(page, twin_site):
    page.goto(twin_site + "speeches/word-speech/")
    word = what_a_reader_sees(page)
    page.goto(twin_site + "speeches/printed-speech/")
    printed = what_a_reader_sees(page)
    # The citation names each page's own address; everything else must be the same.
    printed["paragraphs"] = [p.replace("printed-speech", "word-speech") for p in printed["paragraphs"]]
    for key in word:
        assert printed[key] == word[key], key
    assert len(word["headings"]) >= 6 and len(word["paragraphs"]) >= 15 and word["table"]
    download = page.locator("a[download], a[href*='originals/']").first
    assert download.get_attribute("href").endswith(".pdf")
    assert not page.foreign_requests and not page.console_errors
