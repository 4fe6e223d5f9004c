"""A small built site for the search tests: hand-written speech pages (front matter as the converter writes
it), the project's mkdocs.yml, hooks and overrides, built once with `mkdocs build --strict`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import mkdocs_env

ROOT = Path(__file__).resolve().parents[2]

SPEECHES = {
    "industry-2023": dict(
        title="在全县工业经济发展推进会上的讲话",
        date="2023-04-19",
        speaker="张三",
        event="2023年工业经济发展推进会",
        body="""同志们：今天召开全县工业经济发展推进会，主要任务是总结成绩、部署工作。

## 一、坚定不移推进工业强县

工业强县是我们的战略选择。要发展富硒产业，培育富硒食品品牌，让富民政策落到实处。

## 二、落实领导包抓责任

领导包抓重点项目，中央军委的部署和省委的要求我们都要不折不扣落实。经济发展不能停步。
""",
    ),
    "agriculture-2021": dict(
        title="在全县农业农村工作会议上的讲话",
        date="2021-12-28",
        speaker="李四",
        event="2021年农业农村工作会议",
        body="""同志们：这次会议的任务是部署明年农业农村工作。

## 一、巩固脱贫攻坚成果

要巩固拓展脱贫攻坚成果，同乡村振兴有效衔接。富民增收是根本。

## 二、发展特色产业

发展茶叶、富硒农产品等特色产业，经济发展要有新突破。
""",
    ),
    "industry-2022": dict(
        title="工业经济运行调度会讲话",
        date="2022-06-30",
        speaker="张三",
        event="2022年工业经济运行调度会",
        body="""同志们：上半年全县工业经济平稳运行。

## 一、工业强县成效明显

规上工业增加值增长百分之八，工业强县战略持续推进。

## 二、下半年重点工作

抓项目、促投资，确保经济发展目标完成。
""",
    ),
    "opening-2024-en": dict(
        title="Remarks at the Trade Fair Opening",
        date="2024-05-10",
        speaker="Jane Doe",
        event="2024 Trade Fair",
        language="en",
        body="""Good morning, everyone.

## Economic growth and openness

Economic growth depends on open markets. Our county welcomes partners in 2024.

## Partnership

We value partnership, and growth that benefits all. The county’s fair opens today.
""",
    ),
}


def write_page(docs: Path, slug: str, spec: dict) -> None:
    lines = [
        "---",
        f"title: {spec['title']}",
        f"date: '{spec['date']}'",
        f"speaker: {spec['speaker']}",
        f"event: {spec['event']}",
        f"language: {spec.get('language', 'zh')}",
        "tags: []",
        f"slug: {slug}",
        "---",
        "",
        f"# {spec['title']}",
        "",
        spec["body"],
    ]
    (docs / "speeches" / f"{slug}.md").write_text("\n".join(lines), "utf-8")


def build_search_site(workdir: Path, speeches: dict) -> Path:
    """Build the project's site configuration over hand-written speech pages; return the site folder."""
    for name in ("mkdocs.yml", "hooks", "overrides"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, dirs_exist_ok=True)
        else:
            shutil.copy2(src, workdir / name)
    (workdir / "docs" / "speeches").mkdir(parents=True)
    for slug, spec in speeches.items():
        write_page(workdir / "docs", slug, spec)
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(workdir / "mkdocs.yml"),
         "-d", str(workdir / "site")],
        capture_output=True, text=True, cwd=workdir, timeout=600, env=mkdocs_env(),
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    return workdir / "site"


@pytest.fixture(scope="session")
def build_site():
    """build_search_site, for tests that build a site of their own speeches."""
    return build_search_site


@pytest.fixture(scope="session")
def search_site(tmp_path_factory) -> Path:
    return build_search_site(tmp_path_factory.mktemp("search-site"), SPEECHES)


@pytest.fixture(scope="session")
def search_url(search_site, serve) -> str:
    return serve(search_site)
