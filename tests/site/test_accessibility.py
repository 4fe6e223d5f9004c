"""Every page type passes axe-core's WCAG 2.1 A and AA rules, at desktop and phone widths, in a real
browser; search, the table of contents and the citation work from the keyboard.

axe-core comes bundled in the axe-playwright-python package (no download); Playwright drives Debian's
chromium against the fixture archive served on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from site_fixture import serve_404_page

pytestmark = pytest.mark.browser

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SPEECH = "speeches/gongye-2023-04-19/"
PAGES = {
    "home": "",
    "years": "years/",
    "one year": "years/2023/",
    "speakers": "speakers/",
    "one speaker": "speakers/zhang-san/",
    "events": "events/",
    "tags": "tags/",
    "speech": SPEECH,
    "404": "no/such/page/",  # answered with the site's 404.html, as a host does
}
WIDTHS = {"desktop": 1280, "phone": 375}


def violations(page) -> list[str]:
    result = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in result.response["violations"]
        for node in v["nodes"]
    ]


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, page):
    page.set_viewport_size({"width": WIDTHS[request.param], "height": 900})
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_page_type_has_no_wcag_violations(sized_page, fixture_url, fixture_build, name):
    if name == "404":
        serve_404_page(sized_page, fixture_build.site, fixture_url + PAGES[name])
    sized_page.goto(fixture_url + PAGES[name])
    assert sized_page.locator("article h1").count() == 1
    assert violations(sized_page) == []


def test_more_page_types_have_no_wcag_violations(sized_page, fixture_url):
    """An event and a tag page, found through their lists; search with results shown."""
    for listing in ("events/", "tags/"):
        sized_page.goto(fixture_url + listing)
        sized_page.locator("article a[href$='/']").first.click()
        sized_page.wait_for_load_state()
        assert violations(sized_page) == [], sized_page.url
    sized_page.goto(fixture_url + "search/?q=" + "工业")
    sized_page.wait_for_selector("#sa-search-page[data-ms]")
    assert sized_page.locator(".sa-result").count() > 0
    assert violations(sized_page) == []


def test_phone_contents_open_have_no_wcag_violations(page, fixture_url):
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    page.goto(fixture_url + SPEECH)
    page.locator("details.sa-toc summary").focus()
    page.keyboard.press("Enter")  # a summary opens from the keyboard
    page.locator("details.sa-toc nav a").first.wait_for(state="visible")  # made on the toggle event
    assert violations(page) == []


def test_citation_open_has_no_wcag_violations(page, fixture_url):
    page.goto(fixture_url + SPEECH + "#sa-cite")
    assert page.locator("#sa-cite").is_visible()
    assert violations(page) == []


def test_search_from_the_keyboard(page, fixture_url):
    page.goto(fixture_url)
    page.keyboard.press("/")  # Material's shortcut to the search field
    page.keyboard.type("工业")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_selector("#sa-search-page[data-ms]")
    first = page.locator(".sa-result a.sa-result__title").first
    first.focus()
    assert page.evaluate("document.activeElement.closest('.sa-result') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/speeches/**")


def test_table_of_contents_and_cite_from_the_keyboard(page, fixture_url):
    page.goto(fixture_url + SPEECH)
    toc_link = page.locator(".md-sidebar--secondary .md-nav__link").nth(1)
    toc_link.focus()
    target = toc_link.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_function(f"decodeURIComponent(location.hash) === {target!r}")
    cite = page.locator(".sa-cite-link")
    cite.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#sa-cite'")
    copy = page.locator("#sa-cite .sa-copy").first
    copy.focus()
    assert page.evaluate("document.activeElement.classList.contains('sa-copy')")


def test_heading_permalinks_have_a_name(page, fixture_url):
    """Each heading's permalink is a tab stop: a screen reader names it by its title, not by its "#"."""
    page.goto(fixture_url + SPEECH)
    permalinks = page.locator("a.headerlink")
    assert permalinks.count() >= 7
    assert page.get_by_role("link", name="链接到本节", exact=True).count() == permalinks.count()
    assert page.get_by_role("link", name="#", exact=True).count() == 0


@pytest.mark.parametrize("url", ["", "years/", "speakers/zhang-san/", SPEECH, "search/", "search/?q=工业"])
def test_the_first_tab_stop_is_a_skip_link_to_the_heading(page, fixture_url, url):
    """Every page type opens with Material's skip link; the search page had none (it has no heading in
    its Markdown, and Material's skip link goes to the first heading of the table of contents)."""
    page.goto(fixture_url + url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    target = page.evaluate("decodeURIComponent(document.activeElement.hash.slice(1))")
    assert page.evaluate("id => document.getElementById(id).tagName", target) == "H1"
    page.keyboard.press("Enter")
    page.wait_for_function("id => decodeURIComponent(location.hash.slice(1)) === id", arg=target)
