"""Helpers for the site tests: the small fixture archive in fixture_docs/, built with `mkdocs build --strict`
in a temporary copy of the project's site configuration (mkdocs.yml, hooks/, overrides/), and what it holds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import mkdocs_env

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DOCS = Path(__file__).resolve().parent / "fixture_docs"
DOCX_ORIGINAL = "originals/gongye-2023-04-19.docx"


@dataclass
class Build:
    workdir: Path
    site: Path
    output: str
    returncode: int


def root_conftest():
    """tests/conftest.py as a module of its own name (several conftest.py files share the name `conftest`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("speech_archive_root_conftest", ROOT / "tests/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_site_config(workdir: Path) -> None:
    for name in ("mkdocs.yml", "hooks", "overrides"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(
                src, workdir / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(src, workdir / name)


def write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("在全县工业经济发展推进会上的讲话", 0)
    document.add_paragraph("同志们：今天召开全县工业经济发展推进会。")
    document.save(path)


def mkdocs_build(workdir: Path, *, env: dict | None = None) -> Build:
    """Run `python -m mkdocs build --strict` in `workdir` and return what happened (never raises)."""
    full_env = mkdocs_env(env)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(workdir / "mkdocs.yml"),
         "-d", str(workdir / "site")],
        capture_output=True, text=True, cwd=workdir, env=full_env, timeout=900,
    )  # fmt: skip
    return Build(workdir, workdir / "site", done.stdout + done.stderr, done.returncode)


def make_fixture_workdir(workdir: Path) -> Path:
    """A project folder holding the site configuration and a copy of fixture_docs/ as docs/."""
    workdir.mkdir(parents=True, exist_ok=True)
    copy_site_config(workdir)
    shutil.copytree(FIXTURE_DOCS, workdir / "docs")
    write_docx(workdir / "docs" / DOCX_ORIGINAL)
    return workdir


# What the fixture archive holds, newest first.
NEWEST_FIRST = [
    "jingji-2024-01-05",
    "trade-forum-2023-09-01",
    "gongye-2023-04-19",
    "nongye-2022-06",
    "xss-2021",
    "anquan-undated",
]
XSS_TITLE = '<script>alert("t")</script> {{ config.site_name }} {% if true %}jinja{% endif %} & </script>'


def serve_404_page(page, site: Path, url_pattern: str) -> None:
    """Answer every request for `url_pattern` in the browser `page` with the site's 404.html and status
    404, as GitHub Pages, Netlify and nginx's `error_page 404` do for a missing address (the test server
    answers with its own error page)."""
    body = (site / "404.html").read_bytes()
    page.route(url_pattern, lambda route: route.fulfill(status=404, body=body, content_type="text/html"))
