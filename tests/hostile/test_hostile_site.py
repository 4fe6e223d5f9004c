"""Nothing from a source runs in the built site, checked in a real browser.

A site is built (converter + `mkdocs build --strict`) from every hostile HTML source, text that looks like
markup, and overrides whose every field carries a script. Every page of the site is opened in chromium,
and the search is run with the hostile words: no dialog opens, no global is set, and no request goes to
another host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from helpers import build_site

from hostile import hostile_corpus as corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MARK = corpus.SCRIPT_MARK

HOSTILE_META_HTML = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>&lt;img src=x onerror="window.{MARK}=20"&gt;标题</title>
<meta name="description" content="&lt;script&gt;window.{MARK}=21&lt;/script&gt;">
<meta name="keywords" content="&lt;svg onload=alert(22)&gt;,工业">
<meta property="og:title" content="&quot;&gt;&lt;script&gt;window.{MARK}=23&lt;/script&gt;">
<meta name="author" content="&lt;iframe src=javascript:alert(24)&gt;">
</head><body><article>
<h1>&lt;img src=x onerror="window.{MARK}=25"&gt;讲话</h1>
<p class="info">发布时间：2023-04-20 来源：&lt;script&gt;window.{MARK}=26&lt;/script&gt;县政府</p>
<p>同志们：<a href="https://example.org/&quot;&gt;&lt;script&gt;alert(27)&lt;/script&gt;">链接</a>今天开会。</p>
<p>二、<span style="background:url(http://evil.example/css.png)">样式</span>继续推进。</p>
<table><tr><td onclick="alert(28)">表格<script>window.{MARK}=29</script></td></tr></table>
<ul><li><a href="javascript:alert(30)">列表链接</a></li></ul>
</article></body></html>
"""

HOSTILE_FIELDS = {
    "title": f'<img src=x onerror="window.{MARK}=40;alert(40)">讲话',
    "speaker": f"<script>window.{MARK}=41;alert(41)</script>张三",
    "event": "{{ config.site_name }}{% if true %}JINJA{% endif %}",
    "location": f'"><svg onload="window.{MARK}=42">',
    "source_name": f"</script><script>window.{MARK}=43</script>",
    "summary": f"'-alert(44)-' \"><img src=x onerror=window.{MARK}=44>",
    "tags": [f"<b onmouseover=window.{MARK}=45>", "</title><script>alert(46)</script>", "工业"],
    "date": "2023-04-21",
    "source_url": "https://example.org/source?a=1&b=2",
}

SEARCH_QUERIES = ["讲话", "<img src=x onerror=alert(50)>", "script", '"><svg onload=alert(51)>', "{{ 7*7 }}"]


def _write_sources(sources: Path) -> None:
    sources.mkdir()
    (sources / "hostile.html").write_text(corpus.HOSTILE_HTML, encoding="utf-8")
    (sources / "hostile-meta.html").write_text(HOSTILE_META_HTML, encoding="utf-8")
    corpus.hostile_docx(sources / "hostile.docx")  # links to javascript:/data:, an SVG image with a script
    (sources / "markup.txt").write_text(corpus.MARKUP_LOOKALIKE_TEXT, encoding="utf-8")
    (sources / "fields.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    (sources / "fields.yml").write_text(yaml.safe_dump(HOSTILE_FIELDS, allow_unicode=True), encoding="utf-8")
    (sources / "fields-catalog.txt").write_text(corpus.CHINESE_SPEECH, encoding="utf-8")
    (sources / "catalog.csv").write_text(
        "file,title,speaker,tags\n"
        f'fields-catalog.txt,"<img src=x onerror=window.{MARK}=60>目录","<script>alert(61)</script>",'
        f'"<i onclick=alert(62)>x</i>;标签"\n',
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-site")
    _write_sources(work / "sources")
    return build_site(work / "sources", work)


def _open(page, url: str) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)
    page.mouse.move(5, 5)
    page.mouse.move(300, 300)
    page.remove_listener("dialog", on_dialog)
    return dialogs


def _site_pages(site: Path) -> list[str]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert any(p.startswith("speeches/") for p in pages), pages
    return pages


def test_no_page_of_the_site_runs_source_content(hostile_site, serve, page):
    base = serve(hostile_site)
    problems = []
    for rel in _site_pages(hostile_site):
        dialogs = _open(page, base + rel)
        marker = page.evaluate(f"typeof window.{MARK} === 'undefined' ? null : String(window.{MARK})")
        if dialogs or marker is not None:
            problems.append((rel, dialogs, marker))
        for image in page.query_selector_all("img"):
            src = image.get_attribute("src") or ""
            if src.startswith(("http://", "https://", "//")):
                problems.append((rel, "remote image", src))
    assert problems == []
    assert page.foreign_requests == []


def test_speech_pages_show_hostile_fields_as_text(hostile_site, serve, page):
    base = serve(hostile_site)
    speech_pages = [p for p in _site_pages(hostile_site) if p.startswith("speeches/fields")]
    assert speech_pages, _site_pages(hostile_site)
    _open(page, base + speech_pages[0])
    text = page.inner_text("body")
    assert "<img src=x onerror=" in text, "the hostile title is shown as text"
    assert "JINJA" not in text and "讲话档案" not in text.split("张三")[0][-50:]
    scripts = page.evaluate(
        "Array.from(document.querySelectorAll('script:not([src])')).map(s => [s.type, s.textContent])"
    )
    for kind, content in scripts:
        if "json" in kind:
            page.evaluate("text => JSON.parse(text)", content)  # data, and it parses: no break-out
        else:
            assert MARK not in content and "alert(" not in content, content[:300]


def test_media_and_originals_opened_directly_run_nothing(hostile_site, serve, page):
    """A reader can open any published file by its URL: an extracted SVG or a saved page must not run."""
    base = serve(hostile_site)
    files = [
        p
        for folder in ("media", "originals")
        for p in sorted((hostile_site / folder).rglob("*"))
        if p.is_file()
    ]
    assert files
    problems = []
    for path in files:
        rel = path.relative_to(hostile_site).as_posix()
        try:
            dialogs = _open(page, base + quote(rel))
        except Exception as exc:  # a download (e.g. .docx) aborts navigation: nothing was rendered
            if "Download is starting" in str(exc) or "net::ERR_ABORTED" in str(exc):
                continue
            raise
        marker = page.evaluate(f"typeof window.{MARK} === 'undefined' ? null : String(window.{MARK})")
        if dialogs or marker is not None:
            problems.append((rel, dialogs, marker))
    assert problems == []
    assert page.foreign_requests == []


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_search_with_hostile_words_runs_nothing(hostile_site, serve, page, query):
    base = serve(hostile_site)
    dialogs = _open(page, f"{base}search/?q={quote(query)}")
    page.wait_for_timeout(500)
    dialogs += (
        _open(page, f"{base}speeches/?h={quote(query)}")
        if (hostile_site / "speeches" / "index.html").exists()
        else []
    )
    box = page.query_selector("#sa-search-input")
    if box is not None:
        box.fill(query)
        page.wait_for_timeout(500)
    marker = page.evaluate(f"typeof window.{MARK} === 'undefined' ? null : String(window.{MARK})")
    assert (dialogs, marker) == ([], None)
    assert page.foreign_requests == []
