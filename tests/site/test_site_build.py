"""The fixture archive built with `mkdocs build --strict`: generated pages, originals, data files, escaping."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from site_fixture import (
    DOCX_ORIGINAL,
    FIXTURE_DOCS,
    NEWEST_FIRST,
    XSS_TITLE,
    make_fixture_workdir,
    mkdocs_build,
)


def html_pages(site):
    return sorted(site.rglob("*.html"))


def test_strict_build_prints_no_warning(fixture_build):
    assert not re.search(r"^(WARNING|ERROR)\b", fixture_build.output, re.MULTILINE), fixture_build.output
    assert "archive: 6 speeches" in fixture_build.output


def test_browse_pages_are_generated(fixture_build):
    site = fixture_build.site
    for page in ["index.html", "years/index.html", "years/2023/index.html", "years/undated/index.html",
                 "speakers/index.html", "speakers/zhang-san/index.html", "speakers/jane-doe/index.html",
                 "events/index.html", "tags/index.html", "tags/jing-ji/index.html"]:  # fmt: skip
        assert (site / page).is_file(), page


def test_navigation_holds_only_browse_pages(fixture_build):
    """A speech page links to its neighbours by date, never to every speech."""
    html = (fixture_build.site / "speeches/gongye-2023-04-19/index.html").read_text()
    primary = html.split("md-nav--primary", 1)[1].split("</nav>", 1)[0]
    assert "speeches/" not in primary
    for far in ("jingji-2024-01-05", "xss-2021", "anquan-undated"):
        assert far not in html


@pytest.mark.slow
def test_speech_page_size_does_not_grow_with_the_archive(fixture_build, tmp_path):
    """Add 300 older speeches: the page of a speech whose neighbours stay the same keeps its size."""
    workdir = make_fixture_workdir(tmp_path / "big")
    for i in range(300):
        (workdir / "docs/speeches" / f"old-{i:03d}.md").write_text(
            f"---\ntitle: 旧讲话{i}\ndate: '1990-01-{i % 28 + 1:02d}'\nspeaker: 讲话人{i % 40}\n"
            f"event: 会议{i % 50}\ntags: [主题{i % 30}]\n---\n\n# 旧讲话{i}\n\n## 一、部分\n\n正文。\n",
            encoding="utf-8",
        )
    big = mkdocs_build(workdir)
    assert big.returncode == 0, big.output
    page = "speeches/trade-forum-2023-09-01/index.html"
    small_size = (fixture_build.site / page).stat().st_size
    big_size = (big.site / page).stat().st_size
    assert abs(big_size - small_size) / small_size < 0.02, (small_size, big_size)


def test_originals_are_copied_verbatim(fixture_build):
    site, docs = fixture_build.site, fixture_build.workdir / "docs"
    originals = sorted(p.relative_to(docs).as_posix() for p in (docs / "originals").iterdir())
    assert DOCX_ORIGINAL in originals and "originals/nongye-2022-06.html.txt" in originals
    for name in originals:
        assert (site / name).read_bytes() == (docs / name).read_bytes(), name
    assert not list((site / "originals").glob("*.html")), "an HTML original must never be served as a page"
    assert b"{{ config }}" in (site / "originals/nongye-2022-06.html.txt").read_bytes()  # not rendered


@pytest.mark.slow
def test_an_html_original_fails_the_strict_build(tmp_path):
    workdir = make_fixture_workdir(tmp_path / "active")
    shutil.copy(FIXTURE_DOCS / "originals/nongye-2022-06.html.txt", workdir / "docs/originals/evil.html")
    build = mkdocs_build(workdir)
    assert build.returncode != 0
    assert "originals/evil.html" in build.output and "html.txt" in build.output


@pytest.mark.slow
def test_a_missing_original_or_bad_date_is_reported_and_the_site_still_builds(tmp_path):
    """One page's problem is named in the log and never stops the other pages from being published,
    unless the archive asks for strictness about pages (extra.archive.strict_pages)."""
    workdir = make_fixture_workdir(tmp_path / "broken")
    (workdir / "docs/originals/jingji-2024-01-05.txt").unlink()
    page = workdir / "docs/speeches/nongye-2022-06.md"
    page.write_text(page.read_text().replace("date: '2022-06'", "date: '2022-13'"))
    build = mkdocs_build(workdir)
    assert build.returncode == 0, build.output
    assert "jingji-2024-01-05" in build.output and "'2022-13'" in build.output
    assert (build.site / "speeches/nongye-2022-06/index.html").is_file()
    config = workdir / "mkdocs.yml"
    config.write_text(config.read_text().replace("  archive:\n", "  archive:\n    strict_pages: true\n", 1))
    strict = mkdocs_build(workdir)
    assert strict.returncode != 0 and "'2022-13'" in strict.output


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        (
            "latest: many",
            "extra.archive.latest in mkdocs.yml: must be a whole number of speeches (1 or more), not 'many'",
        ),
        ("feed_size: 0", "extra.archive.feed_size in mkdocs.yml: must be a whole number of 1 or more"),
        ("lastest: 3", "extra.archive.lastest in mkdocs.yml: unknown option"),
        (
            "strict_pages: maybe",
            "extra.archive.strict_pages in mkdocs.yml: must be true or false, not 'maybe'",
        ),
    ],
)
def test_a_bad_archive_setting_is_one_line_naming_the_key(tmp_path, setting, says):
    workdir = make_fixture_workdir(tmp_path / "config")
    config = workdir / "mkdocs.yml"
    config.write_text(config.read_text().replace("  archive:\n", f"  archive:\n    {setting}\n", 1))
    key = setting.split(":")[0]
    text = config.read_text()
    text = "\n".join(
        line
        for i, line in enumerate(text.split("\n"))
        if not (line.strip().startswith(f"{key}:") and setting not in line)
    )
    config.write_text(text)
    build = mkdocs_build(workdir)
    assert build.returncode != 0
    assert says in build.output
    assert "Traceback" not in build.output


def test_source_text_stays_text_everywhere(fixture_build):
    """Titles with <script> and {{ }} are escaped in every page; Jinja never evaluates them."""
    for page in html_pages(fixture_build.site):
        html = page.read_text()
        assert "<script>alert" not in html, page
        assert "<b>王五" not in html and "<img src=x" not in html, page
        assert "javascript:alert" not in html, page
    speech = (fixture_build.site / "speeches/xss-2021/index.html").read_text()
    assert "{{ config.site_name }}" in speech and "{% if true %}jinja{% endif %}" in speech


def json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_json_ld_carries_the_metadata_and_cannot_break_out(fixture_build):
    data = json_ld((fixture_build.site / "speeches/gongye-2023-04-19/index.html").read_text())
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "在全县工业经济发展推进会上的讲话"
    assert data["dateCreated"] == "2023-04-19"
    assert data["author"] == {"@type": "Person", "name": "张三"}
    assert data["recordedAt"]["name"] == "2023年工业经济发展推进会"
    assert data["keywords"] == ["工业", "经济"]
    assert data["isBasedOn"].startswith("https://www.example.gov.cn/")
    xss = json_ld((fixture_build.site / "speeches/xss-2021/index.html").read_text())
    assert xss["name"] == XSS_TITLE
    assert xss["abstract"] == "</script><script>alert(2)</script>"
    assert "isBasedOn" not in xss  # a javascript: URL is not a source


def test_feed_lists_the_latest_speeches(fixture_build):
    feed = ET.parse(fixture_build.site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.find("a:link", ns).get("href") for e in feed.findall("a:entry", ns)]
    assert links == [f"speeches/{slug}/" for slug in NEWEST_FIRST]
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert XSS_TITLE in titles


def test_catalog_json_and_csv(fixture_build):
    data = json.loads((fixture_build.site / "speeches.json").read_text(encoding="utf-8"))
    assert data["count"] == 6
    assert [s["slug"] for s in data["speeches"]] == NEWEST_FIRST
    gongye = data["speeches"][2]
    assert gongye["url"] == "speeches/gongye-2023-04-19/"
    assert gongye["original_url"] == DOCX_ORIGINAL
    assert gongye["tags"] == ["工业", "经济"] and gongye["length"] == 1234
    lines = (fixture_build.site / "speeches.json").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 + 6  # one speech a line: a fifth smaller than one field a line
    assert json.loads(lines[1].rstrip(","))["slug"] == NEWEST_FIRST[0]
    raw = (fixture_build.site / "speeches.csv").read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
    assert [r["slug"] for r in rows] == NEWEST_FIRST
    assert rows[2]["tags"] == "工业; 经济" and rows[2]["speaker"] == "张三"


@pytest.mark.slow
def test_site_url_makes_data_urls_absolute(tmp_path):
    workdir = make_fixture_workdir(tmp_path / "abs")
    build = mkdocs_build(workdir, env={"SITE_URL": "https://archive.example.org/talks/"})
    assert build.returncode == 0, build.output
    data = json.loads((build.site / "speeches.json").read_text(encoding="utf-8"))
    assert data["speeches"][0]["url"] == "https://archive.example.org/talks/speeches/jingji-2024-01-05/"
    page = (build.site / "speeches/gongye-2023-04-19/index.html").read_text()
    assert json_ld(page)["url"] == "https://archive.example.org/talks/speeches/gongye-2023-04-19/"
    # sitemap.xml is an index of one sitemap: Material's script reads sitemap.xml on every first visit
    # (beside the feed's link rel=alternate), so it holds no list of pages
    index = ET.parse(build.site / "sitemap.xml").getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")] == [
        "https://archive.example.org/talks/sitemap-pages.xml"
    ]
    assert (build.site / "sitemap.xml").stat().st_size < 400
    # The sitemap it names lists every page at its absolute URL, the home page too.
    sitemap = ET.parse(build.site / "sitemap-pages.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://archive.example.org/talks/" in locs and all(
        loc.startswith("https://archive.example.org/talks/") for loc in locs
    ), locs
    assert {f"https://archive.example.org/talks/speeches/{slug}/" for slug in NEWEST_FIRST} <= set(locs)
    assert (build.site / "sitemap.xml.gz").exists()
    assert '<a href="sitemap.xml">网站地图</a>' in (build.site / "index.html").read_text()
    feed_link = '<link rel="alternate" type="application/atom+xml" title="讲话档案" href="../../feed.xml">'
    assert feed_link in page
    # The host serves 404.html at any address: its links start from site_url's path.
    not_found = (build.site / "404.html").read_text()
    assert 'action="/talks/search/"' in not_found and '<a href="/talks/years/">' in not_found
    assert (
        '<a href="/talks/">首页</a>' in not_found and 'href="/talks/assets/archive/archive.css"' in not_found
    )


@pytest.mark.slow
def test_english_archive_uses_english_labels(tmp_path):
    workdir = make_fixture_workdir(tmp_path / "en")
    build = mkdocs_build(workdir, env={"SITE_LANGUAGE": "en", "SITE_NAME": "Speech Archive"})
    assert build.returncode == 0, build.output
    home = (build.site / "index.html").read_text()
    assert "Latest speeches" in home and "By speaker" in home and 'lang="en"' in home
    speech = (build.site / "speeches/gongye-2023-04-19/index.html").read_text()
    assert 'title="Link to this section"' in speech and "链接到本节" not in speech  # heading permalinks
    not_found = (build.site / "404.html").read_text()
    assert (
        "<title>Page not found - Speech Archive</title>" in not_found and "Search the speeches" in not_found
    )
    assert ">By topic</a>" in not_found and "找不到" not in not_found
    speakers = (build.site / "speakers/index.html").read_text()  # on an English site the Chinese names
    assert (
        '<a href="zhang-san/" lang="zh">张三</a>' in speakers
        and '<a href="jane-doe/">Jane Doe</a>' in speakers
    )


def test_no_sitemap_without_site_url(fixture_build):
    """The sitemap protocol needs an absolute URL in every <loc>: without site_url a sitemap of relative
    paths (or empty ones, before) was invalid, so none is written, the home page does not link one, and
    the build's log says what to set."""
    assert not (fixture_build.site / "sitemap.xml").exists()
    assert not (fixture_build.site / "sitemap.xml.gz").exists()
    assert not (fixture_build.site / "sitemap-pages.xml").exists()
    home = (fixture_build.site / "index.html").read_text()
    assert "sitemap.xml" not in home and "网站地图" not in home
    assert "no sitemap.xml is written" in fixture_build.output and "set SITE_URL" in fixture_build.output
    # Material fetches sitemap.xml beside every link rel=alternate: the feed's is left out without one.
    for page in html_pages(fixture_build.site):
        assert 'rel="alternate"' not in page.read_text(encoding="utf-8"), page


def test_names_on_browse_pages_carry_their_language(fixture_build):
    """The English speech's speaker, event and tags are read as English on the Chinese site's lists and
    their own pages (as its title and the speech page already are); the Chinese names need no lang."""
    site = fixture_build.site
    speakers = (site / "speakers/index.html").read_text()
    assert '<a href="jane-doe/" lang="en">Jane Doe</a>' in speakers
    assert '<a href="zhang-san/">张三</a>' in speakers
    assert (
        '<a href="county-trade-forum/" lang="en">County Trade Forum</a>'
        in (site / "events/index.html").read_text()
    )
    tags = (site / "tags/index.html").read_text()
    assert '<a href="trade/" lang="en">trade</a>' in tags and '<a href="jing-ji/">经济</a>' in tags
    jane = (site / "speakers/jane-doe/index.html").read_text()
    # the name alone: the permalink beside it is in the site's language
    assert re.search(r'<h1 id="jane-doe"><span lang="en">Jane Doe</span><a [^>]*class="headerlink"', jane)
    assert '<span class="sa-byline" lang="en"><span class="sa-speaker">Jane Doe</span>' in jane
    assert '<h1 id="张三">张三<a ' in (site / "speakers/zhang-san/index.html").read_text()
    assert 'lang="en"' not in (site / "years/index.html").read_text().split("<article", 1)[1]


def test_pager_titles_carry_their_language(fixture_build):
    html = (fixture_build.site / "speeches/gongye-2023-04-19/index.html").read_text()
    assert '<span class="sa-pager__title" lang="en">Remarks at the County Trade Forum</span>' in html
    home = (fixture_build.site / "index.html").read_text()
    assert 'lang="en">Remarks at the County Trade Forum</a>' in home


@pytest.mark.slow
def test_a_speech_without_a_language_has_no_empty_lang(tmp_path):
    """lang="" tells a screen reader the text is in no language; without one the page's language applies."""
    workdir = make_fixture_workdir(tmp_path / "nolang")
    page = workdir / "docs/speeches/trade-forum-2023-09-01.md"
    page.write_text(page.read_text().replace("language: en\n", ""))
    build = mkdocs_build(workdir)
    assert build.returncode == 0, build.output
    html = (build.site / "speeches/trade-forum-2023-09-01/index.html").read_text()
    assert '<div class="sa-speech">' in html and 'lang=""' not in html
    assert (
        '<div class="sa-speech" lang="zh">'
        in (build.site / "speeches/gongye-2023-04-19/index.html").read_text()
    )


def test_speech_page_labels_are_text_not_python_objects(fixture_build):
    """`L.copy` in a template is the dict's copy method: the page showed "<built-in method copy ...>"
    (an empty copy button, and a memory address that changed the page on every build)."""
    for page in (fixture_build.site / "speeches").rglob("index.html"):
        html = page.read_text()
        assert "built-in method" not in html and " object at 0x" not in html, page
        assert html.count(">复制</button>") == 2, page


def test_material_search_files_are_not_published(fixture_build):
    """The archive has its own search: Material's lunr language files and search worker would be dead
    weight on the host, and so would its search box's labels in every page."""
    assert not (fixture_build.site / "assets/javascripts/lunr").exists()
    assert not (fixture_build.site / "assets/javascripts/workers").exists()
    for page in html_pages(fixture_build.site):
        html = page.read_text(encoding="utf-8")
        assert "javascripts/lunr" not in html and "javascripts/workers" not in html, page
        settings = re.findall(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
        if page.name == "index.html" or page.name == "404.html":
            assert len(settings) == 1, page
        for text in settings:
            labels = json.loads(text)["translations"]
            assert labels["clipboard.copy"] == "复制", page  # what Material's bundle does read stays
            assert not [key for key in labels if key.startswith("search.")], page


def test_no_source_map_is_published(fixture_build):
    """Material's source maps (1.3 MB, the site's largest file) serve only a developer's debugger."""
    site = fixture_build.site
    assert (site / "assets/javascripts").is_dir()
    assert not [p for p in site.rglob("*.map")]
    for asset in [*site.glob("assets/**/*.js"), *site.glob("assets/**/*.css")]:
        assert "sourceMappingURL" not in asset.read_text(encoding="utf-8"), asset


# Material's templates indent every line and leave a blank line wherever a Jinja tag stood: 5 KB of a
# 56 KB speech page. Only the text of these elements may keep its line breaks and indentation.
_KEPT_AS_WRITTEN = re.compile(r"<(pre|code|kbd|textarea|script|style)\b.*?</\1>", re.S | re.I)


def test_pages_are_published_without_indentation_or_blank_lines(fixture_build):
    for page in html_pages(fixture_build.site):
        html = _KEPT_AS_WRITTEN.sub("<kept/>", page.read_text(encoding="utf-8"))
        waste = re.search(r"[ \t\r\f]+\n|\n[ \t\r\f\n]+", html)
        assert waste is None, (page, html[max(0, waste.start() - 80) : waste.end() + 80])


def test_the_logo_and_header_icons_are_not_inline_svgs_in_every_page(fixture_build):
    """The logo is one cached file; the menu and search icons are drawn by archive.css."""
    site = fixture_build.site
    html = (site / "speeches/gongye-2023-04-19/index.html").read_text(encoding="utf-8")
    header = re.search(r"<header\b.*?</header>", html, re.S).group(0)
    assert "<svg" not in header
    assert 'class="sa-icon sa-icon--menu"' in header and 'class="sa-icon sa-icon--search"' in header
    assert ".sa-icon--search {" in (site / "assets/archive/archive.css").read_text(encoding="utf-8")
    logos = re.findall(r'class="md-(?:header|nav)__button md-logo"[^>]*>(.*?)</a>', html, re.S)
    assert len(logos) == 2
    for logo in logos:
        assert "<svg" not in logo and 'src="../../assets/archive/logo.svg"' in logo
    assert (site / "assets/archive/logo.svg").read_text(encoding="utf-8").startswith("<svg")


# The fixture's longest speech page (a table, a footnote, six headings). 20,955 bytes before its template
# whitespace, inline icons and Material's search settings were cut (issue 16), 15,210 after; the budget
# leaves room for a few lines more. If it fails, look at what every page now repeats before raising it:
# at 10,000 speeches one byte in every page is 14 MB of the 1 GB that GitHub Pages accepts.
SPEECH_PAGE_BUDGET = 16_500


def test_a_speech_page_stays_within_its_byte_budget(fixture_build):
    page = fixture_build.site / "speeches/gongye-2023-04-19/index.html"
    html = page.read_text(encoding="utf-8")
    assert "总体情况" in html and "根据会议记录整理" in html  # the page is whole
    assert page.stat().st_size <= SPEECH_PAGE_BUDGET, page.stat().st_size
