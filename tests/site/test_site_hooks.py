"""The hook's helper modules on their own: catalog order and grouping, escaping, citations, data files."""

from __future__ import annotations

import gc
import json
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.utils import htmlsafe_json_dumps
from site_fixture import ROOT

sys.path.insert(0, str(ROOT / "hooks"))

from archive_browse import md_text, page_url, relative  # noqa: E402
from archive_catalog import Catalog, make_record, read_front_matter  # noqa: E402
from archive_compact import compact_html, remove_unpublished_theme_files, slim_theme_config  # noqa: E402
from archive_data import _cell, catalog_csv  # noqa: E402
from archive_speech import (  # noqa: E402
    _source,
    chicago_author,
    chicago_date,
    citations,
    gbt7714,
    is_web_url,
    resolve_original,
    script_json,
    split_title,
)


def record(slug, **meta):
    rec, problems = make_record(f"speeches/{slug}.md", f"speeches/{slug}/", {"title": slug, **meta})
    assert problems == []
    return rec


def test_front_matter_is_read_without_the_body():
    text = "---\ntitle: 讲话\ndate: 2023-04-19\ntags: [a, b]\n---\n\n# 讲话\n\n---\n\nbody\n"
    assert read_front_matter(text) == {"title": "讲话", "date": __import__("datetime").date(2023, 4, 19),
                                       "tags": ["a", "b"]}  # fmt: skip
    assert read_front_matter("# no front matter\n") == {}
    assert make_record("speeches/x.md", "speeches/x/", read_front_matter(text))[0].date == "2023-04-19"


@pytest.mark.parametrize(
    ("date", "ok"),
    [("2023-04-19", True), ("2023-04", True), ("2023", True), ("2023-02-30", False), ("2023-13", False),
     ("23-04-19", False), ("2023/04/19", False)],
)  # fmt: skip
def test_dates(date, ok):
    rec, problems = make_record("speeches/x.md", "speeches/x/", {"title": "t", "date": date})
    assert (rec.date == date) is ok and (problems == []) is ok


def test_order_newest_first_partial_dates_and_undated_last():
    speeches = [record("a", date="2023"), record("b", date="2023-04"), record("c", date="2023-04-19"),
                record("d"), record("e", date="2022-12-31")]  # fmt: skip
    catalog = Catalog(sorted(speeches, key=lambda r: r.sort_key))
    assert [s.slug for s in catalog.speeches] == ["e", "a", "b", "c", "d"]
    assert [s.slug for s in catalog.newest_first()] == ["c", "b", "a", "e", "d"]
    assert [g.name for g in catalog.by_year()] == ["2023", "2022", ""]
    assert catalog.by_year()[-1].slug == "undated"
    before, after = catalog.neighbours("a")
    assert (before.slug, after.slug) == ("e", "b")


def test_group_slugs_are_readable_stable_and_unique():
    speeches = [record("a", speaker="张三"), record("b", speaker="章三"), record("c", speaker="Jane Doe"),
                record("d", tags=["经济", "经济"]), record("e", speaker="Index")]  # fmt: skip
    catalog = Catalog(speeches)
    slugs = {g.name: g.slug for g in catalog.by_speaker()}
    assert slugs["Jane Doe"] == "jane-doe"
    assert slugs["张三"].startswith("zhang-san-") and slugs["章三"].startswith("zhang-san-")
    assert slugs["张三"] != slugs["章三"]
    assert slugs["Index"] != "index"  # never the section's own index page
    assert [len(g.speeches) for g in catalog.by_tag()] == [1]  # a tag listed twice counts once


def test_urls():
    assert page_url("index.md") == ""
    assert page_url("years/index.md") == "years/"
    assert page_url("years/2023.md") == "years/2023/"
    assert relative("speeches/x/", "years/2023/") == "../../speeches/x/"
    assert relative("years/", "") == "years/"
    assert relative("", "years/") == "../"


def test_markdown_escaping_keeps_source_text_as_text():
    assert md_text("<b>*x*</b> # [a](b) {: .c}") == r"&lt;b&gt;\*x\*&lt;/b&gt; \# \[a\]\(b\) \{: \.c\}"


def test_json_for_a_script_element_cannot_close_it():
    text = script_json({"name": "</script><script>alert(1)</script>&\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script>&\u2028"


def test_only_web_urls_become_links():
    assert is_web_url("https://example.org/a") and is_web_url("http://example.org")
    for url in ("javascript:alert(1)", "data:text/html,x", "//example.org", "ftp://x", "http://"):
        assert not is_web_url(url)


def test_the_source_link_tells_the_source_site_nothing():
    link = str(_source(record("x", source_url="https://portal.example/a", source_name="县政府")))
    assert 'rel="nofollow noopener noreferrer"' in link and ">县政府</a>" in link


def test_originals_must_stay_inside_docs():
    assert resolve_original(record("x", original="../originals/x.docx")) == "originals/x.docx"
    for bad in ("../../etc/passwd", "/etc/passwd", "https://example.org/x.docx", ""):
        assert resolve_original(record("x", original=bad)) is None


def test_split_title():
    assert split_title('<h1 id="t">T</h1>\n<p>x</p>') == ('<h1 id="t">T</h1>', "\n<p>x</p>")
    assert split_title("<p>x</p><h1>T</h1>") == ("", "<p>x</p><h1>T</h1>")


def test_citation_formats():
    rec = record("x", title="讲话<i>", speaker="张三", date="2023-04-19")
    site = {"site_name": "档案", "site_url": "", "today": "2026-01-02"}
    text = str(gbt7714(rec, site, "https://a.example/x/"))
    assert text == ('张三. 讲话&lt;i&gt;[EB/OL]. 档案, (2023-04-19)[<span class="sa-cite-accessed">2026-01-02</span>]. '
                    '<span class="sa-cite-url">https://a.example/x/</span>.')  # fmt: skip
    assert chicago_date("2023-04-19") == "April 19, 2023"
    assert chicago_date("2023-04") == "April 2023"
    assert chicago_date("2023") == "2023"


@pytest.mark.parametrize(
    ("name", "cited"),
    [("Margaret Hale", "Hale, Margaret"), ("Mary Ann Smith", "Smith, Mary Ann"),
     ("Martin Luther King Jr.", "King, Martin Luther, Jr."), ("José García", "García, José"),
     ("林晓峰", "林晓峰"), ("Madonna", "Madonna"), ("Hale, Margaret", "Hale, Margaret")],
)  # fmt: skip
def test_chicago_puts_a_western_family_name_first(name, cited):
    assert chicago_author(name) == cited


@pytest.mark.parametrize(
    ("meta", "first"),
    [({"language": "zh-Hant-TW", "title": "Speech"}, "GB/T 7714—2015"),
     ({"language": "en-GB", "title": "讲话"}, "Chicago"),
     ({"title": "在全县大会上的讲话"}, "GB/T 7714—2015"),  # no tag: the converter's test of the text
     ({"title": "Remarks on the 讲话 of 2023 at the county assembly"}, "Chicago")],
)  # fmt: skip
def test_the_citation_for_the_speech_language_comes_first(meta, first):
    site = {"site_name": "档案", "site_url": "", "today": "2026-01-02"}
    assert citations(record("x", **meta), site, "https://a.example/x/", {})[0]["style"] == first


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("@x") == "'@x" and _cell("张三") == "张三"
    assert _cell("＝HYPERLINK(1)") == "'＝HYPERLINK(1)"  # full-width, which some spreadsheets read too
    csv_text = catalog_csv(Catalog([record("x", speaker="=cmd")]), "", {})
    assert ",'=cmd," in csv_text


def test_feed_stays_well_formed_when_metadata_holds_control_characters():
    """A saved page's <meta name="keywords" content="a&#1;b"> reaches the front matter as "a\\x01b"; the
    feed drops what XML cannot carry, in attributes (category terms) as well as in text."""
    import xml.etree.ElementTree as ET

    from archive_data import atom_feed

    rec = record("x", title="t\x02itle", speaker="张\x03三", tags=["a\x01b", "c\ufffed"], date="2023-04")
    root = ET.fromstring(atom_feed(Catalog([rec]), "档案", "", 10, "2026-01-01T00:00:00Z"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert [c.get("term") for c in entry.findall("a:category", ns)] == ["ab", "cd"]
    assert entry.findtext("a:title", namespaces=ns) == "title"
    assert entry.findtext("a:published", namespaces=ns) == "2023-04-01T00:00:00Z"


def test_neighbours_read_the_archive_once_not_once_per_page():
    """Every speech page asks for its neighbours: rebuilding the slug index per call made a build of n
    speeches take n^2 steps (minutes at tens of thousands of speeches). Counted, not timed: the list of
    speeches is walked once however many pages ask."""

    class CountingList(list):
        walks = 0

        def __iter__(self):
            CountingList.walks += 1
            return super().__iter__()

    speeches = [
        make_record(f"speeches/s{i:05d}.md", f"speeches/s{i:05d}/", {"title": "t"})[0] for i in range(500)
    ]
    catalog = Catalog(speeches)
    catalog.speeches = CountingList(catalog.speeches)
    pairs = [catalog.neighbours(s.slug) for s in speeches]
    assert CountingList.walks == 1
    assert pairs[0][0] is None and pairs[1][0].slug == "s00000" and pairs[-1][1] is None


@pytest.mark.parametrize(
    ("src_uri", "safe"),
    [("originals/x.docx", True), ("originals/x.html.txt", True), ("media/x/a.png", True),
     ("media/x/a.JPG", True), ("speeches/x.md", True), ("originals/x.html", False),
     ("originals/x.xht", False), ("originals/x.xsl", False), ("originals/x.rss", False),
     ("originals/x.md", False), ("media/x/a.svg", False), ("media/x/a.svgz", False),
     ("media/x/a.xhtml", False), ("ORIGINALS/x.HTM", False)],
)  # fmt: skip
def test_originals_and_media_publish_only_inert_file_types(src_uri, safe):
    """An allowlist: .xht, .xsl, .rss, .svgz ... are served as live XML/XHTML/SVG by a static server."""
    from archive import is_safe_asset

    assert is_safe_asset(src_uri) is safe


def render_template(name: str, **context) -> str:
    """A template of overrides/ rendered by Jinja alone (as MkDocs' Jinja does: no autoescape by default)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "overrides"))
    return env.get_template(name).render(**context)


def test_list_titles_carry_their_language_and_stay_text():
    """An English title in a Chinese archive is marked lang="en" so a screen reader reads it in English;
    the list template escapes what the hook gives it, so a title never becomes markup."""
    from archive_browse import speech_items

    speeches = [record("a", language="en"), record("b"), record("c", title="<b>{{ x }}</b>", speaker="<i>")]
    html = render_template(
        "browse/speech-list.html",
        browse={"speeches": speech_items(speeches, "")},
        archive_labels={"undated": "未注明日期"},
    )
    assert '<a class="sa-title" href="speeches/a/" lang="en">a</a>' in html
    assert '<a class="sa-title" href="speeches/b/">b</a>' in html
    assert ">&lt;b&gt;{{ x }}&lt;/b&gt;</a>" in html and '<span class="sa-speaker">&lt;i&gt;</span>' in html
    assert html.count('<span class="sa-date sa-date--none">未注明日期</span>') == 3


def test_english_counts_say_one_speech():
    from archive_browse import group_data
    from archive_labels import labels_for

    catalog = Catalog(
        [record("a", speaker="Jane Doe"), record("b", speaker="Bob"), record("c", speaker="Bob")]
    )
    groups = {g.name: g for g in catalog.by_speaker()}
    en, zh = labels_for("en"), labels_for("zh")
    assert group_data("speakers", groups["Jane Doe"], en)["count_text"] == "1 speech"
    assert group_data("speakers", groups["Bob"], en)["count_text"] == "2 speeches"
    assert group_data("speakers", groups["Jane Doe"], zh)["count_text"] == "1 篇讲话"


def test_compacting_collapses_only_whitespace_that_holds_a_line_break():
    html = "<ul>\n    <li>\n      <a>首页</a>  \n\n    </li>\n</ul>\n<p>a  b\tc</p>"
    assert compact_html(html) == "<ul>\n<li>\n<a>首页</a>\n</li>\n</ul>\n<p>a  b\tc</p>"


def test_compacting_keeps_text_spaces_and_verbatim_elements_as_written():
    """U+3000 (indenting Chinese paragraphs) and no-break spaces are text, not HTML whitespace; code and
    preformatted text keep their lines (Material shows code with `white-space: pre-wrap`)."""
    kept = [
        "<pre><code>def f():\n    return 1\n\n</code></pre>",
        "<pre>\n  a\n\n   b</pre>",
        "<code class=x>a\n   b</code>",
        "<KBD>Ctrl\n  C</KBD>",
        "<textarea>\n  x\n</textarea>",
        '<script>var s = "a\n    b";\n  </script>',
        "<style>\n  p { color: red }\n</style>",
    ]
    html = "\n  ".join(kept) + "\n  <p>\n\u3000\u3000同志们：\u00a0\n  </p>"
    assert compact_html(html) == "\n".join(kept) + "\n<p>\n\u3000\u3000同志们：\u00a0\n</p>"
    assert compact_html(compact_html(html)) == compact_html(html)


VERBATIM_TAGS = ("pre", "code", "kbd", "textarea", "script", "style")


def drawn(html: str) -> tuple[str, list[str]]:
    """What a browser draws of `html`: outside verbatim elements each run of HTML whitespace is one
    space; the verbatim elements as written."""
    verbatim = re.compile(rf"<({'|'.join(VERBATIM_TAGS)})>.*?</\1>", re.S)
    outside = " ".join(re.sub(r"[ \t\n\f\r]+", " ", part) for part in verbatim.split(html)[::2])
    return outside, [m.group(0) for m in verbatim.finditer(html)]


TEXT = st.lists(st.sampled_from(["字", "a", "<p>", "</p>", " ", "\t", "\n", "\r", "\f", "\u3000", "\u00a0"]),
                max_size=12).map("".join)  # fmt: skip
ELEMENT = st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(VERBATIM_TAGS), TEXT)


@given(st.lists(st.one_of(TEXT, ELEMENT), max_size=8).map("".join))
def test_compacting_never_changes_what_is_drawn(html):
    assert drawn(compact_html(html)) == drawn(html)
    assert len(compact_html(html)) <= len(html)


MATERIAL_SETTINGS = {
    "base": "../..",
    "features": ["navigation.tabs"],
    "translations": {"clipboard.copy": "复制", "search.result.none": "没有找到", "select.version": "选择"},
    "search": "../../assets/javascripts/workers/search.a7633da7.min.js",
    "tags": None,
}


def settings_page(settings_json: str) -> str:
    return f'<body>\n<script id="__config" type="application/json">{settings_json}</script>\n</body>'


def test_material_settings_lose_only_what_its_missing_search_box_reads():
    written_by_jinja = htmlsafe_json_dumps({**MATERIAL_SETTINGS, "base": "</script>'&"})  # as Material does
    page = slim_theme_config(settings_page(written_by_jinja))
    text = re.search(r'type="application/json">(.*?)</script>', page).group(1)
    assert "<" not in text and "&" not in text and "'" not in text  # as Jinja's tojson: cannot close it
    settings = json.loads(text)
    assert settings["base"] == "</script>'&" and settings["features"] == ["navigation.tabs"]
    assert settings["translations"] == {"clipboard.copy": "复制", "select.version": "选择"}
    assert "search" not in settings and settings["tags"] is None
    assert "复制" in text and ", " not in text  # no \\u escapes, no spaces
    for unusable in ("<body></body>", settings_page("{not json")):
        assert slim_theme_config(unusable) == unusable


def test_source_maps_and_the_unused_search_worker_are_removed(tmp_path):
    site = tmp_path / "site"
    scripts, styles = site / "assets/javascripts", site / "assets/stylesheets"
    (scripts / "workers").mkdir(parents=True)
    styles.mkdir(parents=True)
    files = {
        scripts / "bundle.min.js": "(()=>{})();\n//# sourceMappingURL=bundle.min.js.map\n",
        scripts / "bundle.min.js.map": "{}",
        scripts / "workers/search.min.js": "x",
        scripts / "workers/search.min.js.map": "{}",
        styles / "main.min.css": "a{b:c}\n/*# sourceMappingURL=main.min.css.map*/",
        styles / "main.min.css.map": "{}",
        styles / "other.css": "p{}\n/*# sourceMappingURL=elsewhere.css.map*/\n",  # no map here: untouched
        site / "index.html": "<p>",
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    reference = site / "reference.txt"
    reference.write_text("", encoding="utf-8")  # the permissions any new file gets
    assert remove_unpublished_theme_files(site) == 4
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        "assets/javascripts/bundle.min.js", "assets/stylesheets/main.min.css",
        "assets/stylesheets/other.css", "index.html", "reference.txt",
    ]  # fmt: skip
    assert (scripts / "bundle.min.js").read_text(encoding="utf-8") == "(()=>{})();\n"
    assert (styles / "main.min.css").read_text(encoding="utf-8") == "a{b:c}\n"
    assert (styles / "other.css").read_text(encoding="utf-8") == files[styles / "other.css"]
    assert (scripts / "bundle.min.js").stat().st_mode == reference.stat().st_mode  # a server can read it
    assert remove_unpublished_theme_files(site) == 0


def test_the_site_reads_back_every_field_the_converter_writes():
    """The page contract has one owner (converter.model.PageFields): every field the converter writes
    reaches the site's record with its value and type."""
    from converter.markdown import write_page
    from converter.model import PAGE_FIELDS, Metadata, Paragraph, Section, Span, Speech

    metadata = Metadata(
        "在全县大会上的讲话", date="2023-04-19", speaker="张三", event="全县大会", location="县城",
        language="zh-CN", tags=("工业", "项目"), summary="摘要", source_name="县政府网",
        source_url="https://example.org/a",
    )  # fmt: skip
    extra = dict(source_file="a.docx", source_format="Word", original="../originals/a.docx", length=1234,
                 length_unit="characters", reading_minutes=5, truncated=True, slug="a", converter="speech-archive x")  # fmt: skip
    page = write_page(
        Speech(metadata, Section((), 0, (Paragraph((Span("正文"),)),), ()), {}, (), True), extra, ""
    )
    record, problems = make_record("speeches/a.md", "speeches/a/", read_front_matter(page))
    assert problems == []
    expected = {**{k: getattr(metadata, k) for k in metadata.__dataclass_fields__}, **extra}
    assert {name: getattr(record, name) for name in PAGE_FIELDS} == expected


# --------------------------------------------------------------------------- the search index in the background


def _speech_texts(count: int):
    from search import SpeechText

    return [
        SpeechText(
            url=f"speeches/s{i}/",
            title="" if i % 2 else f"第{i}号讲话",
            page_title=f"MkDocs 标题{i}",
            date=f"20{10 + i % 9}-0{1 + i % 9}-01",
            speaker=f"讲话人{i % 3}",
            event=f"会议{i % 4}",
            html=f'<h1 id="t">页面标题{i}</h1><p>同志们：今天开会。</p><h2 id="a">一、发展{i}</h2><p>推进工业经济发展{i}。</p>',
        )
        for i in range(count)
    ]


def _index_files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_index_built_in_the_background_is_the_index_built_in_the_build(tmp_path):
    from search import _BackgroundIndex

    from converter.search.builder import IndexOptions, build_index

    pages = _speech_texts(12)
    background = _BackgroundIndex.start(tmp_path / "background", IndexOptions(workers=1))
    for page in pages:
        background.add(page)
    background.end_of_pages()
    stats = background.result()
    build_index((page.doc() for page in pages), tmp_path / "here", IndexOptions(workers=1))
    assert stats.docs == 12
    assert _index_files(tmp_path / "background") == _index_files(tmp_path / "here")


def test_a_speech_without_a_title_in_its_front_matter_takes_its_first_heading():
    first, second = _speech_texts(2)
    assert first.doc().title == "第0号讲话"
    assert second.doc().title == "页面标题1"
    assert [s.anchor for s in second.doc().sections] == ["", "a"]


def test_an_index_that_cannot_be_built_in_the_background_fails_the_build_in_one_line(tmp_path):
    from mkdocs.exceptions import PluginError
    from search import _BackgroundIndex

    from converter.search.builder import IndexOptions

    (tmp_path / "site").write_text("a file where the site's folder should be")
    background = _BackgroundIndex.start(tmp_path / "site" / "search-index", IndexOptions())
    for page in _speech_texts(300):  # the process has stopped: the pages go nowhere, without an error
        background.add(page)
    background.end_of_pages()
    with pytest.raises(PluginError, match="The search index could not be built: .*Error"):
        background.result()


def test_a_failed_build_stops_the_index_in_the_background(tmp_path):
    import search

    from converter.search.builder import IndexOptions

    search._background = search._BackgroundIndex.start(tmp_path / "ix", IndexOptions())
    for page in _speech_texts(400):
        search._background.add(page)
    search._background.end_of_pages()  # the index is being built when a template fails
    process = search._background.process
    search.on_build_error(RuntimeError("a template failed"))
    assert search._background is None
    assert not process.is_alive()
    assert gc.get_freeze_count() == 0


def test_a_build_that_stops_before_every_page_is_rendered_stops_the_index(tmp_path):
    import search

    from converter.search.builder import IndexOptions

    search._background = search._BackgroundIndex.start(tmp_path / "ix", IndexOptions())
    search._background.add(_speech_texts(1)[0])
    process = search._background.process
    search.on_build_error(RuntimeError("a page failed"))
    assert not process.is_alive()


def test_an_index_process_that_dies_fails_the_build_with_its_exit_code(tmp_path):
    from mkdocs.exceptions import PluginError
    from search import _BackgroundIndex

    from converter.search.builder import IndexOptions

    background = _BackgroundIndex.start(tmp_path / "ix", IndexOptions())
    background.process.kill()  # as the kernel does to a process out of memory
    background.process.join()
    for page in _speech_texts(3):
        background.add(page)
    background.end_of_pages()
    with pytest.raises(PluginError, match=r"the index process stopped \(exit code -9\)"):
        background.result()
    assert gc.get_freeze_count() == 0


def test_the_index_starts_after_the_last_speech_page_and_refuses_a_later_one(tmp_path):
    from types import SimpleNamespace

    import search
    from mkdocs.exceptions import PluginError

    from converter.search.builder import IndexOptions

    texts = _speech_texts(3)
    config = SimpleNamespace(extra={"archive": {"speeches": "speeches"}})
    names = [f"speeches/s{i}.md" for i in range(3)] + ["events/e.md"]
    files = SimpleNamespace(documentation_pages=lambda: [SimpleNamespace(src_uri=n) for n in names])
    search._background = background = search._BackgroundIndex.start(tmp_path / "ix", IndexOptions(workers=1))
    try:
        search.on_nav(None, config, files)
        assert background.expected == 3
        for i, text in enumerate(texts):
            page = SimpleNamespace(file=SimpleNamespace(src_uri=names[i]), url=text.url, title=None,
                                   meta={"title": text.title, "date": text.date})  # fmt: skip
            assert not background.ended
            search.on_page_content(text.html, page, config, None)
        assert background.ended  # before on_env: the browse pages are still to render
        with pytest.raises(PluginError, match="closed before the speech page"):
            background.add(texts[0])
        assert background.result().docs == 3
    finally:
        search._background = None
        background.stop()
