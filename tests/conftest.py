"""Shared fixtures: building a site from a folder of sources, serving it, and a real browser.

Browser tests drive Debian's chromium through Playwright. Outside CI they skip when chromium is
missing; with CI=true they fail, so a CI machine without a browser can never pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHROMIUM, IN_CI, ROOT, build_site, run_converter  # noqa: F401 - re-exported for tests

from converter.search.http_range import serve as serve_folder


def _serving(ranges: bool) -> Iterator:
    # One server per folder, for the whole session; StaticServer's docstring (converter/search/
    # http_range.py) records why its connections and backlog are not what failed fetches in issue 15.
    servers = []

    def start(folder: Path) -> str:
        servers.append(serve_folder(folder, ranges=ranges))
        return servers[-1].url

    yield start
    for server in servers:
        server.close()


@pytest.fixture(scope="session")
def serve():
    """A function that serves a folder on 127.0.0.1 and returns its base URL ("http://127.0.0.1:PORT/").
    Range requests are answered with 206, as GitHub Pages, Netlify, Cloudflare, S3 and nginx do."""
    yield from _serving(ranges=True)


@pytest.fixture(scope="session")
def serve_without_ranges():
    """Like `serve`, but Range is ignored and every file comes whole (200), as `python -m http.server`
    and `mkdocs serve` do: the client must fall back to the whole body."""
    yield from _serving(ranges=False)


def _browser_missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A headless Debian chromium driven by Playwright. Fails (never skips) when CI=true."""
    reason = _browser_missing_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    args = [
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-gpu",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that records console errors and every request to a host but 127.0.0.1.

    After the test, `page.console_errors` and `page.foreign_requests` are checked by tests that care;
    foreign requests are aborted so the test never touches the network.
    """
    context = browser.new_context()
    pg = context.new_page()
    pg.console_errors = []
    pg.foreign_requests = []
    pg.on("console", lambda msg: msg.type == "error" and pg.console_errors.append(msg.text))
    pg.on("pageerror", lambda exc: pg.console_errors.append(str(exc)))

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            pg.foreign_requests.append(url)
            route.abort()

    pg.route("**/*", guard)
    yield pg
    context.close()
