"""The fixture archive in a real browser (Debian chromium through Playwright), served on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from site_fixture import DOCX_ORIGINAL, NEWEST_FIRST, XSS_TITLE, serve_404_page

pytestmark = pytest.mark.browser

TITLES = {
    "jingji-2024-01-05": "在2024年全县经济工作会议上的讲话",
    "trade-forum-2023-09-01": "Remarks at the County Trade Forum",
    "gongye-2023-04-19": "在全县工业经济发展推进会上的讲话",
    "nongye-2022-06": "在全县农业农村工作会议上的讲话",
    "xss-2021": XSS_TITLE,
    "anquan-undated": "关于做好安全生产工作的讲话",
}
GONGYE = "speeches/gongye-2023-04-19/"


def listed(page) -> list[str]:
    return page.locator(".sa-list .sa-item").evaluate_all("items => items.map(i => i.dataset.slug)")


def open_page(page, url):
    response = page.goto(url)
    assert response.ok, url
    return page


def assert_clean(page):
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_home_lists_the_latest_speeches_newest_first(page, fixture_url):
    open_page(page, fixture_url)
    assert page.title() == "讲话档案"
    assert listed(page) == NEWEST_FIRST
    titles = page.locator(".sa-list .sa-title").all_inner_texts()
    assert titles == [TITLES[s] for s in NEWEST_FIRST]
    first = page.locator(".sa-list .sa-item").first
    assert first.locator(".sa-date").inner_text() == "2024-01-05"
    assert first.locator(".sa-speaker").inner_text() == "张三"
    assert first.locator(".sa-event").inner_text() == "2024年全县经济工作会议"
    assert "共收录 6 篇讲话" in page.locator(".sa-stats").inner_text()
    tabs = page.locator(".md-tabs__link").all_inner_texts()
    assert tabs == ["首页", "按年份", "按讲话人", "按活动", "按主题"]
    assert_clean(page)


def test_year_timeline_and_year_page(page, fixture_url):
    open_page(page, fixture_url + "years/")
    years = page.locator(".sa-year__name").all_inner_texts()
    assert years == ["2024 年", "2023 年", "2022 年", "2021 年", "未注明日期"]
    counts = page.locator(".sa-year__count").all_inner_texts()
    assert counts == ["1 篇讲话", "2 篇讲话", "1 篇讲话", "1 篇讲话", "1 篇讲话"]
    page.get_by_role("link", name="2023 年").click()
    page.wait_for_url(fixture_url + "years/2023/")
    assert listed(page) == ["trade-forum-2023-09-01", "gongye-2023-04-19"]
    assert_clean(page)


def test_speaker_event_and_tag_pages(page, fixture_url):
    open_page(page, fixture_url + "speakers/")
    names = page.locator(".sa-names a").all_inner_texts()
    assert names == [
        "<b>王五</b>",
        "Jane Doe",
        "李四",
        "张三",
    ]  # pinyin/latin order: b-wang-wu, jane, li, zhang
    page.get_by_role("link", name="张三").click()
    page.wait_for_url(fixture_url + "speakers/zhang-san/")
    assert listed(page) == ["jingji-2024-01-05", "gongye-2023-04-19", "anquan-undated"]
    open_page(page, fixture_url + "events/")
    page.get_by_role("link", name="2023年工业经济发展推进会").click()
    page.wait_for_url("**/events/*/")
    assert listed(page) == ["gongye-2023-04-19"]
    open_page(page, fixture_url + "tags/")
    page.get_by_role("link", name="经济", exact=True).click()
    page.wait_for_url(fixture_url + "tags/jing-ji/")
    assert listed(page) == ["jingji-2024-01-05", "gongye-2023-04-19"]
    page.locator(".sa-title").first.click()
    page.wait_for_url(fixture_url + "speeches/jingji-2024-01-05/")
    assert_clean(page)


def meta_rows(page) -> dict[str, str]:
    rows = {}
    for row in page.locator(".sa-meta__row").all():
        rows[row.locator("dt").inner_text()] = row.locator("dd").inner_text()
    return rows


def test_speech_page_shows_its_metadata(page, fixture_url):
    open_page(page, fixture_url + GONGYE)
    assert page.locator("h1").first.inner_text().startswith("在全县工业经济发展推进会上的讲话")
    assert page.title() == "在全县工业经济发展推进会上的讲话 - 讲话档案"
    assert meta_rows(page) == {
        "日期": "2023-04-19",
        "讲话人": "张三",
        "活动": "2023年工业经济发展推进会",
        "地点": "县会议中心",
        "来源": "县人民政府门户网站",
        "原始文件": "工业经济发展推进会讲话.docx",
        "篇幅": "1,234 字",
        "阅读时间": "约 3 分钟",
        "主题": "工业 经济",
    }
    page.locator(".sa-meta__row--speaker a").click()
    page.wait_for_url(fixture_url + "speakers/zhang-san/")
    assert_clean(page)


def test_table_of_contents_and_chinese_anchors(page, fixture_url):
    open_page(page, fixture_url + GONGYE)
    toc = page.locator(".md-sidebar--secondary .md-nav__link")
    assert toc.all_inner_texts() == ["一、总体情况", "（一）主要指标", "（二）存在的问题", "二、下一步工作",
                                     "首先，抓项目建设", "其次，抓企业服务", "三、工作要求"]  # fmt: skip
    toc.filter(has_text="二、下一步工作").click()
    page.wait_for_function("window.scrollY > 200")
    assert unquote(page.url.split("#", 1)[1]) == "二下一步工作"
    heading = page.locator("h2", has_text="二、下一步工作")
    assert heading.get_attribute("id") == "二下一步工作"
    box = heading.bounding_box()
    assert 0 <= box["y"] < 250, box
    assert_clean(page)


def test_a_link_to_a_section_lands_on_it(page, fixture_url):
    open_page(page, fixture_url + GONGYE + "#三工作要求")
    page.wait_for_function("window.scrollY > 200")
    box = page.locator("h2", has_text="三、工作要求").bounding_box()
    assert 0 <= box["y"] < 250, box
    assert_clean(page)


def test_download_the_original(page, fixture_url, fixture_build):
    open_page(page, fixture_url + GONGYE)
    link = page.locator("a.sa-download")
    assert "Word (.docx)" in link.inner_text()
    with page.expect_download() as info:
        link.click()
    download = info.value
    # saved under the name it had in the sources, which the metadata box shows too
    assert download.suggested_filename == "工业经济发展推进会讲话.docx"
    assert meta_rows(page)["原始文件"] == "工业经济发展推进会讲话.docx"
    expected = (fixture_build.workdir / "docs" / DOCX_ORIGINAL).read_bytes()
    assert Path(download.path()).read_bytes() == expected
    assert_clean(page)


def test_html_original_downloads_as_text(page, fixture_url, fixture_build):
    open_page(page, fixture_url + "speeches/nongye-2022-06/")
    with page.expect_download() as info:
        page.locator("a.sa-download").click()
    expected = (fixture_build.workdir / "docs/originals/nongye-2022-06.html.txt").read_bytes()
    assert Path(info.value.path()).read_bytes() == expected
    assert info.value.suggested_filename == "农业农村工作会议.html.txt"  # as published: no browser runs it
    assert_clean(page)


def test_cite_this_and_copy(page, fixture_url):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, fixture_url + GONGYE)
    items = page.locator(".sa-cite__item")
    assert items.locator(".sa-cite__style").all_inner_texts() == ["GB/T 7714—2015", "Chicago"]
    gbt = items.first.locator(".sa-cite__text").inner_text()
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    assert gbt == (f"张三. 在全县工业经济发展推进会上的讲话[EB/OL]. 讲话档案, (2023-04-19)[{today}]. "
                   f"{fixture_url}{GONGYE}.")  # fmt: skip
    chicago = items.nth(1).locator(".sa-cite__text").inner_text()
    assert chicago.startswith(
        "张三. “在全县工业经济发展推进会上的讲话.” Speech, 2023年工业经济发展推进会, 县会议中心, April 19, 2023."
    )
    items.first.locator(".sa-copy").click()
    page.wait_for_function("document.querySelector('.sa-copy').textContent === '已复制'")
    assert page.evaluate("navigator.clipboard.readText()") == gbt
    assert_clean(page)


def test_copy_buttons_say_which_citation_and_announce_the_result(page, fixture_url):
    """Two buttons both named "复制": each is described by its style, and a status region tells a screen
    reader that the copy worked (the button's own text change is not announced)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page, fixture_url + GONGYE)
    # The button's label: `L.copy` in the template printed the dict's copy method, an empty button.
    assert page.get_by_role("button", name="复制", exact=True).count() == 2
    descriptions = page.locator(".sa-copy").evaluate_all(
        "bs => bs.map(b => document.getElementById(b.getAttribute('aria-describedby')).textContent)"
    )
    assert descriptions == ["GB/T 7714—2015", "Chicago"]
    page.locator(".sa-copy").nth(1).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('[role=status].sa-cite__status').textContent === '已复制'")
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "张三. “在全县工业经济发展推进会上的讲话.”"
    )
    assert_clean(page)


def test_citation_address_leaves_out_the_query_and_fragment(page, fixture_url):
    """A reader who arrived through ?utm_source=… or a search link cites the page, not their visit."""
    open_page(page, fixture_url + GONGYE + "?utm_source=mail&q=%E5%B7%A5%E4%B8%9A#section")
    urls = page.locator(".sa-cite-url").all_inner_texts()
    assert urls == [fixture_url + GONGYE] * 2
    assert_clean(page)


def test_english_speech_cites_chicago_first(page, fixture_url):
    open_page(page, fixture_url + "speeches/trade-forum-2023-09-01/")
    styles = page.locator(".sa-cite__style").all_inner_texts()
    assert styles == ["Chicago", "GB/T 7714—2015"]
    text = page.locator(".sa-cite__text").first.inner_text()
    assert text.startswith("Doe, Jane. “Remarks at the County Trade Forum.” Speech, County Trade Forum, "
                           "Exhibition Hall, September 1, 2023. 讲话档案.")  # fmt: skip
    assert meta_rows(page)["篇幅"] == "120 词"
    assert_clean(page)


def test_previous_and_next_by_date(page, fixture_url):
    open_page(page, fixture_url + GONGYE)
    assert page.locator(".sa-pager__link--prev .sa-pager__title").inner_text() == TITLES["nongye-2022-06"]
    assert (
        page.locator(".sa-pager__link--next .sa-pager__title").inner_text()
        == TITLES["trade-forum-2023-09-01"]
    )
    page.locator(".sa-pager__link--next").click()
    page.wait_for_url(fixture_url + "speeches/trade-forum-2023-09-01/")
    open_page(page, fixture_url + "speeches/xss-2021/")
    assert page.locator(".sa-pager__link--prev").count() == 0  # the oldest speech
    assert_clean(page)


def test_hostile_metadata_stays_text(page, fixture_url):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for url in ("", "speeches/xss-2021/", "speakers/", "tags/", "events/", "years/2021/"):
        open_page(page, fixture_url + url)
    open_page(page, fixture_url + "speeches/xss-2021/")
    assert dialogs == []
    assert (
        page.locator("h1").first.inner_text().startswith('<script>alert("t")</script> {{ config.site_name }}')
    )
    assert page.title().startswith(XSS_TITLE)
    assert page.locator(".sa-meta__row--source a").count() == 0  # javascript: URL is not linked
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["name"] == XSS_TITLE
    assert_clean(page)


def test_truncated_and_undated_speech(page, fixture_url):
    open_page(page, fixture_url + "speeches/anquan-undated/")
    assert page.locator(".sa-truncated").is_visible()
    assert "日期" not in meta_rows(page)
    assert_clean(page)


def test_print_style_shows_only_the_speech(page, fixture_url):
    open_page(page, fixture_url + GONGYE)
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--secondary").is_visible()
    assert not page.locator(".sa-copy").first.is_visible()
    assert page.locator(".sa-meta").is_visible() and page.locator(".sa-cite").is_visible()
    assert_clean(page)


@pytest.mark.parametrize("url", ["", "years/", "speakers/", "events/", "tags/", "404.html"])
def test_every_browse_page_is_clean(page, fixture_url, url):
    page.goto(fixture_url + url)
    assert_clean(page)


TAB_STYLE = """links => links.map(a => {
    const style = getComputedStyle(a);
    return [a.textContent.trim(), style.fontWeight, style.textDecorationLine];
})"""


@pytest.mark.parametrize(
    ("url", "tab"),
    [("years/", "按年份"), ("years/2023/", "按年份"), ("speakers/", "按讲话人"), ("events/", "按活动"),
     ("tags/jing-ji/", "按主题")],
)  # fmt: skip
def test_the_current_section_tab_is_marked(page, fixture_url, url, tab):
    """Material marks the current tab by its opacity alone (on its list item), and none on the pages
    under a section that are not in the navigation: the archive makes the section's tab bold and
    underlined there too, the other tabs neither, and names the page's own tab as the current page."""
    open_page(page, fixture_url + url)
    styles = page.locator(".md-tabs__link").evaluate_all(TAB_STYLE)
    current = [name for name, weight, line in styles if int(weight) >= 700 and line == "underline"]
    plain = [name for name, weight, line in styles if int(weight) < 700 and line == "none"]
    assert current == [tab], styles
    assert len(plain) == len(styles) - 1, styles
    is_section_page = url.count("/") == 1
    assert page.locator(".md-tabs__link[aria-current=page]").all_inner_texts() == (
        [tab] if is_section_page else []
    )
    assert_clean(page)


HIT_STYLE = """marks => marks.map(m => {
    const style = getComputedStyle(m);
    return [style.backgroundColor, style.outlineStyle, style.color === getComputedStyle(m.parentNode).color];
})"""


def test_print_leaves_out_the_search_highlights(page, fixture_url):
    """A page reached from a search result marks the phrase in yellow, the current place outlined; on
    paper the text is plain."""
    open_page(page, fixture_url + GONGYE + "?h=工业&n=2")
    page.wait_for_selector("mark.sa-hit--current")
    assert page.locator("mark.sa-hit").count() >= 2
    screen = page.locator("mark.sa-hit--current").evaluate_all(HIT_STYLE)
    assert screen[0][0] != "rgba(0, 0, 0, 0)" and screen[0][1] != "none"  # marked on screen
    page.emulate_media(media="print")
    printed = page.locator("mark.sa-hit").evaluate_all(HIT_STYLE)
    assert {tuple(style) for style in printed} == {("rgba(0, 0, 0, 0)", "none", True)}
    assert_clean(page)


MISSING = "speeches/no-such-speech/deep/page/"


def test_404_page_in_the_site_language_from_any_depth(page, fixture_url, fixture_build):
    """A missing address deep in the site gets the archive's 404 page in its language, with its styles,
    a search form and links to the home and browse pages that work from there."""
    serve_404_page(page, fixture_build.site, fixture_url + MISSING + "**")
    failed = []
    page.on("requestfinished", lambda r: r.response().status >= 400 and failed.append(r.url))
    response = page.goto(fixture_url + MISSING)
    assert response.status == 404
    assert failed == [fixture_url + MISSING]  # the page itself; its styles, scripts and logo load
    page.console_errors.remove(
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    )
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.title() == "找不到此页 - 讲话档案"
    assert page.locator("article h1").inner_text() == "找不到此页"
    header = page.locator(".md-header").evaluate("h => getComputedStyle(h).backgroundColor")
    assert header == "rgb(165, 29, 29)"  # Material's and the archive's stylesheets were found
    links = page.locator(".sa-notfound__links a")
    assert links.all_inner_texts() == ["首页", "按年份", "按讲话人", "按活动", "按主题"]
    targets = links.evaluate_all("links => links.map(a => a.href)")
    assert targets == [fixture_url + path for path in ("", "years/", "speakers/", "events/", "tags/")]
    page.keyboard.press("Tab")  # the first stop is the skip link, to the page's heading
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#sa-not-found'")
    page.get_by_role("searchbox", name="搜索讲话全文").fill("工业")
    page.get_by_role("searchbox", name="搜索讲话全文").press("Enter")
    page.wait_for_url(fixture_url + "search/?q=*")
    page.wait_for_selector("#sa-search-page[data-ms]")
    assert page.locator(".sa-result").count() > 0
    page.goto(targets[2])
    assert page.locator("article h1").inner_text().startswith("按讲话人")
    assert_clean(page)


SPEECH_TOC = ["一、总体情况", "（一）主要指标", "（二）存在的问题", "二、下一步工作", "首先，抓项目建设",
              "其次，抓企业服务", "三、工作要求"]  # fmt: skip


def test_phones_get_the_speech_contents_above_the_text(page, fixture_url):
    """Under 60em Material hides the sidebar with the table of contents, and a speech page (outside the
    navigation) has none in the drawer: a collapsible block above the speech holds it there."""
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, fixture_url + GONGYE)
    contents = page.locator("details.sa-toc")
    assert contents.is_visible() and not contents.evaluate("d => d.open")
    assert contents.locator("summary").inner_text() == "目录"
    assert (
        page.evaluate("document.querySelector('.sa-toc').nextElementSibling.className") == "sa-speech__body"
    )
    contents.locator("summary").click()
    links = contents.locator("nav[aria-label='目录'] a")
    links.first.wait_for(state="visible")  # made on the toggle event, once the block is open
    assert links.all_inner_texts() == SPEECH_TOC
    assert contents.locator("li li a").all_inner_texts() == SPEECH_TOC[1:3] + SPEECH_TOC[4:6]  # nested
    links.filter(has_text="三、工作要求").click()
    page.wait_for_function("decodeURIComponent(location.hash) === '#三工作要求'")
    box = page.locator("h2", has_text="三、工作要求").bounding_box()
    assert 0 <= box["y"] < 250, box
    page.emulate_media(media="print")
    assert not contents.is_visible()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})  # the sidebar shows it
    assert (
        not contents.is_visible() and page.locator(".md-sidebar--secondary .md-nav__link").first.is_visible()
    )
    assert_clean(page)


def test_the_phone_contents_leave_the_search_highlights_to_the_text(page, fixture_url):
    """A search result's link (?h=…&n=k) goes to the k-th place in the text: the contents' copy of the
    headings must hold no highlighted place."""
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, fixture_url + GONGYE + "?h=下一步工作")
    page.wait_for_selector("mark.sa-hit--current")
    assert page.locator("h2 mark.sa-hit--current").inner_text() == "下一步工作"
    page.locator("details.sa-toc summary").click()
    page.locator("details.sa-toc a", has_text="下一步工作").wait_for(state="visible")
    assert page.locator("details.sa-toc mark").count() == 0
    assert_clean(page)


def test_a_speech_without_headings_gets_no_contents_block(page, fixture_url):
    page.set_viewport_size({"width": 375, "height": 800})
    open_page(page, fixture_url + "speeches/anquan-undated/")
    assert page.locator(".md-sidebar--secondary [data-md-component=toc] a").count() < 2
    assert page.locator(".sa-toc").count() == 0
    assert_clean(page)
