"""A phrase over time, in a real browser: the per-year chart and its table, the concordance and the CSV
downloads, checked against exact truth computed in Python on a generated archive with known counts."""

from __future__ import annotations

import csv
import io
import random
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe

from converter.search.builder import document_meta, load_document

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OLD, NEW = "高质量发展", "新质生产力"
YEARS = range(2018, 2024)
# Filler characters: none of them is in either phrase, so the phrases occur only where they are put.
FILLER = "".join(c for c in "推进经济工业企业项目建设改革创新服务基础领导干部群众农业茶叶旅游交通环境保护安全教育"
                 "医疗就业收入财政金融投资消费市场开放合作乡村振兴城镇规划落实责任考核" if c not in OLD + NEW)  # fmt: skip


def generated_archive() -> dict:
    """24 speeches, four a year, by two speakers: each holds each phrase 0-5 times (the new phrase only from
    2020 on), some in a heading, and near misses that must not count (高质量 发展, 高质量地发展, and
    高质量，质量发展, which has every pair of the phrase)."""
    rng = random.Random(13)
    speeches = {}
    for year in YEARS:
        for k in range(4):
            old = rng.choice([0, 0, 1, 2, 3, 5])
            new = rng.choice([0, 0, 1, 2]) if year >= 2020 else 0
            pieces = [OLD] * old + [NEW] * new + rng.sample(["高质量 发展", "高质量地发展", "新质 生产力"], 2)
            if k == 3:  # every pair of 高质量发展 in one block without the phrase: a candidate, not a result
                pieces.append("高质量，质量发展")
            rng.shuffle(pieces)
            paragraphs = ["".join(rng.choice(FILLER) for _ in range(rng.randint(30, 60))) for _ in range(4)]
            for piece in pieces:
                at = rng.randrange(len(paragraphs))
                cut = rng.randrange(len(paragraphs[at]))
                paragraphs[at] = paragraphs[at][:cut] + piece + paragraphs[at][cut:]
            heading = f"二、推动{OLD}" if k == 1 else "二、狠抓落实"
            title = f"在{year}年第{k + 1}次工作会议上的讲话"
            if year == 2021 and k == 0:
                title = f"=SUM(1,2) {OLD}座谈会讲话"  # a title that a spreadsheet would run as a formula
            speeches[f"s{year}-{k}"] = dict(
                title=title,
                date=f"{year}-{3 * k + 1:02d}-15",
                speaker="张三" if k % 2 == 0 else "李四",
                event=f"{year}年工作会议",
                body=f"{paragraphs[0]}\n\n## 一、总体要求\n\n{paragraphs[1]}\n\n{paragraphs[2]}\n\n"
                f"## {heading}\n\n{paragraphs[3]}\n",
            )
    return speeches


class _ArticleText(HTMLParser):
    """The text of a page's <article>, as a reader sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def article_text(site: Path, slug: str) -> str:
    parser = _ArticleText()
    parser.feed((site / "speeches" / slug / "index.html").read_text("utf-8"))
    return "".join(parser.parts)


@pytest.fixture(scope="module")
def trend_site(tmp_path_factory, build_site):
    speeches = generated_archive()
    site = build_site(tmp_path_factory.mktemp("trend-site"), speeches)
    texts = {slug: article_text(site, slug) for slug in speeches}
    assert all(spec["title"] in texts[slug] for slug, spec in speeches.items())  # the pages were read
    return site, speeches, texts


@pytest.fixture(scope="module")
def trend_url(trend_site, serve):
    return serve(trend_site[0])


def truth_by_year(speeches, texts, phrase, speaker=None) -> dict[str, tuple[int, int]]:
    """{year: (speeches containing `phrase`, speeches that year)}, from the pages' text."""
    out = {}
    for slug, spec in speeches.items():
        if speaker and spec["speaker"] != speaker:
            continue
        year = spec["date"][:4]
        found, total = out.get(year, (0, 0))
        out[year] = (found + (phrase in texts[slug]), total + 1)
    return out


def open_trend(page, base: str, query: str, **params):
    extra = "".join(f"&{k}={quote(v)}" for k, v in params.items())
    page.goto(f"{base}search/?q={quote(query)}{extra}")
    page.wait_for_selector(".sa-trend[data-ready]", timeout=30_000)


def table_rows(page) -> list[list[str]]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.sa-trend__table tbody tr'))"
        ".map(tr => Array.from(tr.children).map(c => c.textContent))"
    )


def share(found: int, total: int) -> str:
    return f"{round(1000 * found / total) / 10:.1f}"


def test_the_table_gives_every_years_exact_counts_for_two_phrases(page, trend_url, trend_site):
    _, speeches, texts = trend_site
    open_trend(page, trend_url, f"{OLD}|{NEW}")
    old = truth_by_year(speeches, texts, OLD)
    new = truth_by_year(speeches, texts, NEW)
    expected = [
        [year, str(old[year][0]), share(*old[year]), str(new[year][0]), share(*new[year]), str(old[year][1])]
        for year in sorted(old)
    ]
    assert table_rows(page) == expected
    # the years came from index.json: without a speaker or event filter the facets file is not read
    read = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/search-index/d/" in url for url in read)
    assert not any(url.endswith("/search-index/facets") for url in read)
    assert (
        sum(int(r[1]) for r in expected) > 10 and sum(int(r[3]) for r in expected) > 3
    )  # both phrases occur
    headers = page.locator(".sa-trend__table thead th").all_inner_texts()
    assert headers[0] == "年份" and OLD in headers[1] and NEW in headers[3]
    assert OLD in page.inner_text(".sa-trend__table caption")
    # one bar per year and phrase, each named with its numbers; two phrases in the legend
    bars = page.locator(".sa-trend__bar")
    assert bars.count() == 2 * len(old)
    label = page.locator('.sa-trend__bar[data-year="2022"][data-series="1"]').get_attribute("aria-label")
    assert f"{new['2022'][0]} 篇" in label and NEW in label
    assert page.locator(".sa-trend__legend li").all_inner_texts() == [OLD, NEW]
    # the results listed are those of the first phrase; with a first page that leaves candidates unread,
    # the count reads them and settles the number of results too
    total = sum(f for f, _ in old.values())
    page.evaluate("archiveSearch.settings.maxDocs = 4")
    page.locator(".sa-page__form button[type=submit]").click()
    page.wait_for_selector(".sa-trend[data-ready]")
    assert page.locator(".sa-result").count() < total and total > 10
    assert f"找到 {total} 篇讲话" in page.inner_text(".sa-page__status")
    page.evaluate("performance.clearResourceTimings()")
    while page.locator(".sa-page__more").is_visible():
        shown = page.locator(".sa-result").count()
        page.locator(".sa-page__more").click()
        page.wait_for_function(f"document.querySelectorAll('.sa-result').length > {shown}")
    # every result once: a first page shown before every candidate was read can be outranked later
    shown = page.locator(".sa-result .sa-result__title").all_inner_texts()
    assert sorted(shown) == sorted(spec["title"] for slug, spec in speeches.items() if OLD in texts[slug])
    # the count (by date, one block a speech) told the page's search (by relevance) which candidates are
    # results: reading on reads no speech without the phrase
    titles = {
        path.name: document_meta(path.read_bytes())["t"]
        for path in (trend_site[0] / "search-index" / "d").iterdir()
    }
    read = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    read_titles = {titles[url.rsplit("/", 1)[1]] for url in read if "/search-index/d/" in url}
    assert read_titles and read_titles <= set(page.locator(".sa-result .sa-result__title").all_inner_texts())
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_count_keeps_more_speeches_in_flight_over_http2(page, trend_url):
    """Over HTTP/1.1 (the test server) the browser sends six requests at a time to a host, and the count
    keeps 24 speeches in flight; a page that came over HTTP/2 (its navigation entry says h2) keeps 96,
    since the count then waits mostly for round trips."""
    open_trend(page, trend_url, OLD)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol") == "http/1.1"
    assert page.evaluate("archiveTrend.inFlight") == 24
    page.add_init_script(
        """(() => { const entries = performance.getEntriesByType.bind(performance);
             performance.getEntriesByType = type =>
               type === "navigation" ? [{nextHopProtocol: "h2"}] : entries(type); })()"""
    )
    open_trend(page, trend_url, OLD)
    assert page.evaluate("archiveTrend.inFlight") == 96
    assert page.locator(".sa-trend__table tbody tr").count() > 0  # and it counts as before


def test_the_count_can_be_stopped_and_started_again(page, trend_url, trend_site):
    """A count that reads many speeches can be stopped: it reads on no further and draws nothing, and the
    reader can start it again. The count's search is held until the reader has pressed stop."""
    _, speeches, texts = trend_site
    open_trend(page, trend_url, NEW)
    page.evaluate(
        """() => { const real = archiveSearch.search;
             window.releaseCount = null; const held = new Promise(r => { window.releaseCount = r; });
             archiveSearch.search = function () { return held.then(() => real.apply(this, arguments)); }; }"""
    )
    page.fill("#sa-page-q", OLD)
    page.locator(".sa-page__form button[type=submit]").click()
    page.get_by_role("button", name="停止统计").click()
    assert page.inner_text(".sa-trend__status") == f"已停止统计“{OLD}”。"
    page.evaluate("releaseCount()")
    page.wait_for_load_state("networkidle")
    assert page.locator(".sa-trend__progress, .sa-trend__table").count() == 0
    assert page.inner_text(".sa-trend__status") == f"已停止统计“{OLD}”。"  # what it read went nowhere
    assert page.evaluate("document.activeElement.textContent") == "重新统计"  # the focus is not lost
    page.keyboard.press("Enter")
    page.wait_for_selector(".sa-trend[data-ready]")
    truth = truth_by_year(speeches, texts, OLD)
    assert [[r[0], r[1]] for r in table_rows(page)] == [[y, str(f)] for y, (f, _) in sorted(truth.items())]
    assert page.locator(".sa-trend button", has_text="重新统计").count() == 0
    assert page.console_errors == [] and page.foreign_requests == []


def test_a_reader_saving_data_starts_the_count(page, trend_url, trend_site):
    """With the browser's Save-Data on, the count (a read of every candidate speech) waits for the reader's
    click; once started, the page's next searches count at once."""
    _, speeches, texts = trend_site
    page.add_init_script("Object.defineProperty(navigator, 'connection', {get: () => ({saveData: true})})")
    page.goto(f"{trend_url}search/?q={quote(OLD)}")
    start = page.get_by_role("button", name="开始逐年统计")
    start.wait_for()
    assert "省流量" in page.inner_text(".sa-trend__status")
    assert page.locator(".sa-trend__progress").count() == 0
    start.click()
    page.wait_for_selector(".sa-trend[data-ready]")
    truth = truth_by_year(speeches, texts, OLD)
    assert [[r[0], r[1]] for r in table_rows(page)] == [[y, str(f)] for y, (f, _) in sorted(truth.items())]
    page.fill("#sa-page-q", NEW)
    page.locator(".sa-page__form button[type=submit]").click()
    page.wait_for_function(
        f"document.querySelector('.sa-trend__table caption')?.textContent.includes('{NEW}')"
    )
    assert page.locator(".sa-trend button", has_text="开始逐年统计").count() == 0


def test_the_share_measure_redraws_the_bars(page, trend_url, trend_site):
    open_trend(page, trend_url, OLD)

    def heights():
        return page.eval_on_selector_all(
            ".sa-trend__bar rect", "rs => rs.map(r => +r.getAttribute('height'))"
        )

    speeches_heights = heights()
    page.select_option("#sa-trend-measure", "share")
    assert heights() != speeches_heights and max(heights()) > 0
    assert page.locator(".sa-trend__tick").first.text_content().endswith("%")


def test_filters_apply_and_a_bar_narrows_the_results_to_its_year(page, trend_url, trend_site):
    _, speeches, texts = trend_site
    open_trend(page, trend_url, OLD, speaker="李四")
    truth = truth_by_year(speeches, texts, OLD, speaker="李四")
    assert [[r[0], r[1], r[3]] for r in table_rows(page)] == [
        [y, str(found), str(total)] for y, (found, total) in sorted(truth.items())
    ]
    read = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any(url.endswith("/search-index/facets") for url in read)  # the speaker filter needs them
    year = max(truth, key=lambda y: truth[y][0])
    page.locator(f'.sa-trend__bar[data-year="{year}"]').click()
    page.wait_for_url(f"**year={year}**")
    page.wait_for_selector(".sa-trend[data-ready]")
    metas = page.locator(".sa-result .sa-result__meta").all_inner_texts()
    assert len(metas) == truth[year][0]
    assert all(m.startswith(year) and "李四" in m for m in metas)
    assert [[r[0], r[1]] for r in table_rows(page)] == [[year, str(truth[year][0])]]


def indexed_texts(site: Path) -> dict[str, str]:
    """{title: the speech's text as the search index holds it (title, headings and paragraphs)}."""
    out = {}
    for path in (site / "search-index" / "d").iterdir():
        document = load_document(site / "search-index", int(path.name))
        out[document.meta["t"]] = document.text
    return out


def test_the_concordance_lists_every_place_in_context(page, trend_url, trend_site):
    site, speeches, texts = trend_site
    by_title = indexed_texts(site)
    open_trend(page, trend_url, OLD)
    page.locator(".sa-kwic summary").click()
    while True:
        page.wait_for_function("document.querySelector('.sa-kwic').dataset.shown")
        more = page.locator(".sa-kwic > button")
        if more.is_hidden():
            break
        shown = page.locator(".sa-kwic").get_attribute("data-shown")
        more.click()
        page.wait_for_function(f"document.querySelector('.sa-kwic').dataset.shown !== '{shown}'")
    got = page.evaluate(
        """() => Array.from(document.querySelectorAll('.sa-kwic__speech')).map(s => [
             s.querySelector('.sa-kwic__title').textContent,
             Array.from(s.querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map(c => c.textContent))])"""
    )
    expected = {}
    for title, text in by_title.items():
        starts = [i for i in range(len(text)) if text.startswith(OLD, i)]
        if starts:
            expected[title] = [
                [text[max(0, i - 20) : i].replace("\n", " "), OLD, text[i + 5 : i + 25].replace("\n", " ")]
                for i in starts
            ]
    assert {title: lines for title, lines in got} == expected
    assert len(got) > 10  # more than one page of speeches was shown
    # the same speeches as the pages' text says, and every line links to its own place
    assert set(expected) == {speeches[s]["title"] for s in speeches if OLD in texts[s]}
    link = page.locator(".sa-kwic__speech").nth(1).locator(".sa-kwic__hit a").last
    after = page.locator(".sa-kwic__speech").nth(1).locator(".sa-kwic__after").last.inner_text()
    link.click()
    page.wait_for_selector(".sa-hit--current")
    following = page.evaluate(
        """() => { const m = document.querySelector('.sa-hit--current'); const r = document.createRange();
             r.setStartAfter(m); r.setEndAfter(m.closest('p, h1, h2, h3') || m.parentNode); return r.toString(); }"""
    )
    assert after.startswith(following[:5]) and following[:5]


def test_every_concordance_line_opens_its_own_place(page, build_site, serve, tmp_path):
    """The phrase in the title, in the event and topics of the metadata box and in the citations (none of
    which but the title the index counts), and three times before the first heading: each line of the
    concordance opens the speech with its own place current, not a place in the box."""
    body = f"开头{OLD}甲一。中间{OLD}乙二。结尾{OLD}丙三。\n\n## 一、总体要求\n\n正文{OLD}丁四。"
    site = build_site(tmp_path, {"s1": dict(title=f"{OLD}座谈会上的讲话", date="2023-05-06", speaker="张三",
                                            event=f"{OLD}推进会", body=body)})  # fmt: skip
    base = serve(site)
    open_trend(page, base, OLD)
    page.locator(".sa-kwic summary").click()
    page.wait_for_selector(".sa-kwic__speech")
    lines = page.evaluate(
        """() => Array.from(document.querySelectorAll('.sa-kwic__speech tbody tr')).map(tr =>
             [tr.querySelector('.sa-kwic__hit a').href, tr.querySelector('.sa-kwic__after').textContent])"""
    )
    assert len(lines) == 5  # the title and four places in the text
    for href, after in lines:
        page.goto(href)
        page.wait_for_selector(".sa-hit--current")
        following = page.evaluate(
            """() => { const m = document.querySelector('.sa-hit--current'); const r = document.createRange();
                 r.setStartAfter(m); r.setEndAfter(m.closest('p, h1, h2, h3') || m.parentNode);
                 return r.toString(); }"""
        )
        assert following[:3] and after.startswith(following[:3]), (href, after, following)
        assert page.evaluate("!document.querySelector('.sa-hit--current').closest('[data-search-exclude]')")


def test_csv_downloads_of_the_results_and_the_table(page, trend_url, trend_site):
    site, speeches, texts = trend_site
    by_title = indexed_texts(site)
    open_trend(page, trend_url, OLD)
    today = page.evaluate("(d => [d.getFullYear(), d.getMonth() + 1, d.getDate()])(new Date())")
    today = "{}-{:02d}-{:02d}".format(*today)  # the reader's day, not UTC's
    with page.expect_download() as download:
        page.get_by_role("button", name="下载逐年统计（CSV）").click()
    assert download.value.suggested_filename == f"逐年统计_{OLD}_{today}.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    truth = truth_by_year(speeches, texts, OLD)
    assert rows[0] == ["year", f"speeches: {OLD}", f"share_percent: {OLD}", "speeches_that_year"]
    assert rows[1:] == [[y, str(f), share(f, t), str(t)] for y, (f, t) in sorted(truth.items())]

    with page.expect_download() as download:
        page.get_by_role("button", name="下载结果列表（CSV）").click()
    assert download.value.suggested_filename == f"搜索结果_{OLD}_{today}.csv"
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["title", "date", "speaker", "event", "url", "occurrences"]
    # which speeches: from the pages' text; how often: in the speech's own text (the page adds a citation)
    expected = {
        ("'" if spec["title"].startswith("=") else "") + spec["title"]: (
            spec["date"],
            by_title[spec["title"]].count(OLD),
        )
        for slug, spec in speeches.items()
        if OLD in texts[slug]
    }
    assert {r[0]: (r[1], int(r[5])) for r in rows[1:]} == expected
    assert any(r[0].startswith("'=SUM") for r in rows[1:])  # the formula is guarded
    assert all(r[4].startswith(trend_url) and r[4].endswith("/") for r in rows[1:])


CSV_NAMES = [
    (["乡村振兴"], "逐年统计_乡村振兴_2026-11-30.csv"),
    ([OLD, NEW], f"逐年统计_{OLD}+{NEW}_2026-11-30.csv"),
    (["rural  revitalization "], "逐年统计_rural-revitalization_2026-11-30.csv"),
    (['a/b\\c:d*e?f"g<h>i|j'], "逐年统计_abcdefghij_2026-11-30.csv"),
    (["\u202egpj.exe", "tab\there", "..hidden.."], "逐年统计_gpj.exe+tab-here+hidden_2026-11-30.csv"),
    (["///", "\x00\x1f"], "逐年统计_2026-11-30.csv"),
    (["发" * 300], "逐年统计_" + "发" * 40 + "_2026-11-30.csv"),
    (["😀" * 50], "逐年统计_" + "😀" * 40 + "_2026-11-30.csv"),  # never half a character
]


@pytest.mark.parametrize(("queries", "name"), CSV_NAMES)
def test_csv_file_names_are_safe_on_every_system(page, trend_url, queries, name):
    """The name holds the phrases without what Windows, macOS or Linux refuse in a file name or what could
    disguise its end (a right-to-left override), and stays well under 255 bytes."""
    open_trend(page, trend_url, OLD)
    got = page.evaluate("q => archiveTrend.csvName('逐年统计', q, new Date(2026, 10, 30, 23, 30))", queries)
    assert got == name
    assert len(got.encode("utf-8")) < 255


@pytest.mark.parametrize("width", [1280, 375])
def test_the_chart_and_concordance_pass_the_accessibility_checks(page, trend_url, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_trend(page, trend_url, f"{OLD}|{NEW}")
    page.locator(".sa-kwic summary").click()
    page.wait_for_selector(".sa-kwic__speech")
    result = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]] == []
    # the bars are links a keyboard reaches
    page.locator(".sa-trend__bar").first.focus()
    assert page.evaluate("document.activeElement.classList.contains('sa-trend__bar')")
