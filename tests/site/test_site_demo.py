"""The demo archive: sources/ converted by the real converter and built with conftest's build_site, then
checked in a real browser. Skips while sources/ is empty."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from site_fixture import ROOT, root_conftest

build_site = root_conftest().build_site

SOURCES = ROOT / "sources"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SOURCES.is_dir() or not any(SOURCES.iterdir()), reason="sources/ is empty"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo-site")
    site = build_site(SOURCES, workdir)
    catalog = json.loads((site / "speeches.json").read_text(encoding="utf-8"))
    return workdir, site, catalog


@pytest.fixture(scope="module")
def demo_url(demo, serve):
    return serve(demo[1])


def test_every_speech_page_is_in_the_catalog(demo):
    workdir, site, catalog = demo
    pages = sorted(p.stem for p in (workdir / "docs/speeches").glob("*.md"))
    assert sorted(s["slug"] for s in catalog["speeches"]) == pages
    assert catalog["count"] >= 12
    for speech in catalog["speeches"]:
        assert (site / speech["url"] / "index.html").is_file()
        if speech["original_url"]:
            original = speech["original_url"]
            assert (site / original).read_bytes() == (workdir / "docs" / original).read_bytes()
            assert not original.endswith((".html", ".htm"))


def test_dates_newest_first(demo):
    dates = [s["date"] for s in demo[2]["speeches"] if s["date"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.browser
def test_home_and_year_pages_follow_the_catalog(page, demo, demo_url):
    speeches = demo[2]["speeches"]
    page.goto(demo_url)
    slugs = page.locator(".sa-list .sa-item").evaluate_all("items => items.map(i => i.dataset.slug)")
    assert slugs == [s["slug"] for s in speeches][: len(slugs)] and len(slugs) >= 10
    page.goto(demo_url + "years/")
    counts = page.locator(".sa-year__count").all_inner_texts()
    assert sum(int(c.split()[0]) for c in counts) == len(speeches)
    assert page.console_errors == [] and page.foreign_requests == []


@pytest.mark.browser
def test_every_speech_page_renders_cleanly(page, demo, demo_url):
    for speech in demo[2]["speeches"]:
        response = page.goto(demo_url + speech["url"])
        assert response.ok
        assert page.locator(".sa-meta").count() == 1, speech["slug"]
        assert page.locator(".sa-cite__item").count() == 2
        assert page.locator('script[type="application/ld+json"]').count() == 1
        if speech["original_url"]:
            href = page.locator("a.sa-download").get_attribute("href")
            assert page.request.get(page.url + href).ok if not href.startswith("/") else True
    assert page.console_errors == [] and page.foreign_requests == []


@pytest.mark.browser
def test_a_chinese_section_anchor_lands_on_its_heading(page, demo, demo_url):
    for speech in demo[2]["speeches"]:
        page.goto(demo_url + speech["url"])
        links = page.locator(".md-sidebar--secondary .md-nav__link")
        if speech["language"] == "zh" and links.count() >= 3:
            break
    else:
        pytest.fail("no Chinese speech with three sections in the demo archive")
    link = links.nth(links.count() - 1)
    text = link.inner_text().strip()
    link.click()
    page.wait_for_function("window.scrollY > 100")
    anchor = unquote(page.url.split("#", 1)[1])
    heading = page.locator(f'[id="{anchor}"]')
    assert heading.inner_text().strip().startswith(text)
    assert 0 <= heading.bounding_box()["y"] < 250
    assert page.console_errors == [] and page.foreign_requests == []
