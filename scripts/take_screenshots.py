"""Take the README's screenshots of the demo archive: its home page and one speech page.

    make site && .venv/bin/python scripts/take_screenshots.py

Serves site/ on 127.0.0.1 and drives Debian's chromium (headless, through Playwright) at 1280x900;
writes docs-assets/screenshot.png and docs-assets/speech-page.png.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's converter, not an installed copy

from converter.search.http_range import serve  # noqa: E402

SPEECH = "speeches/2023-04-19-gong-ye-jing-ji-fa-zhan-tui-jin-hui-jiang-hua/"


def main() -> int:
    site = ROOT / "site"
    if not (site / "index.html").is_file():
        print("Build the site first: make site")
        return 1
    args = ["--disable-background-networking"] + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with serve(site) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for url, name in (("", "screenshot.png"), (SPEECH, "speech-page.png")):
            page.goto(server.url + url)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(ROOT / "docs-assets" / name))
            print(f"wrote docs-assets/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
