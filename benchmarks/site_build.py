"""Benchmark the site build: generated archives of 100 and 1,000 speech pages built with `mkdocs build --strict`.

    .venv/bin/python benchmarks/site_build.py [--sizes 100 1000] [--without-search]

Each speech page follows the converter's page contract (front matter + about 10,000 Chinese characters in
一、/（一） sections). Each size is built in its own child process, so the peak memory reported
(getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest resident set of the mkdocs process or of one of the
index builder's worker processes) belongs to that build alone; so does its CPU time (user and system, of
the build and its workers), which a busy machine changes less than the wall time. Prints a table and writes
benchmarks/results/site_build.json: build time, peak memory, site size and files (per speech too), the
search index's size and files and its size against the speeches' text (the originals), the largest file,
mean speech page size, mean size of every HTML page, and how the largest size's mean speech page compares
with the smallest's (the target: within 10%). `--without-search` builds without hooks/search.py, to separate the cost
of the search index from the site's own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "site_build.json"
WORDS = ("发展 经济 工业 推进 企业 项目 建设 改革 创新 服务 基础 领导 干部 群众 农业 产业 富硒 茶叶 旅游 交通 "
         "生态 环境 保护 安全 生产 教育 医疗 就业 收入 民生 财政 金融 投资 消费 市场 开放 合作 乡村 振兴 城镇 "
         "规划 落实 责任 考核 督查 作风 效率 质量 效益 目标 任务 措施 政策 制度 机制 体系 能力 水平 平台 园区 "
         "招商 引资 资金 人才 科技 数字 能源 资源 矿产 水利 电力 道路 物流 电商 品牌 标准 监管 执法 法治 文化").split()  # fmt: skip
ORDINALS = "一二三四五六七八九十"
TARGET_CHARS = 10_000


def sentence(rng: random.Random) -> str:
    return (
        "".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        + rng.choice("，。；")
        + "".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10)))
        + "。"
    )


def speech_page(i: int, rng: random.Random) -> str:
    """One page in the converter's format: front matter, title, preamble, 一、 sections with （一） parts."""
    year = 2015 + i % 10
    date = f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
    title = f"在{rng.choice(WORDS)}{rng.choice(WORDS)}工作会议上的讲话（第{i}号）"
    body, chars = [f"# {title}", "", "同志们：", ""], 0
    for top in range(6):
        body += [f"## {ORDINALS[top]}、{rng.choice(WORDS)}{rng.choice(WORDS)}", ""]
        for sub in range(3):
            body += [f"### （{ORDINALS[sub]}）{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(WORDS)}", ""]
            while chars < TARGET_CHARS * (top * 3 + sub + 1) / 18:
                paragraph = "".join(sentence(rng) for _ in range(4))
                chars += len(paragraph)
                body += [paragraph, ""]
    front = {
        "title": title,
        "date": date,
        "speaker": f"讲话人{i % 30:02d}",
        "event": f"{year}年{rng.choice(WORDS)}工作会议{i % 60}",
        "location": "县会议中心",
        "language": "zh",
        "tags": sorted({rng.choice(WORDS) for _ in range(3)}),
        "summary": body[4][:120],
        "source_format": "txt",
        "original": f"../originals/s{i:05d}.txt",
        "length": chars,
        "length_unit": "characters",
        "reading_minutes": max(1, round(chars / 400)),
        "truncated": False,
        "slug": f"s{i:05d}",
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n".join(body)


def write_project(workdir: Path, count: int, without_search: bool) -> None:
    for name in ("hooks", "overrides"):
        shutil.copytree(ROOT / name, workdir / name, ignore=shutil.ignore_patterns("__pycache__"))
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if without_search:
        config = "\n".join(line for line in config.splitlines() if "hooks/search.py" not in line) + "\n"
    (workdir / "mkdocs.yml").write_text(config, encoding="utf-8")
    speeches, originals = workdir / "docs/speeches", workdir / "docs/originals"
    speeches.mkdir(parents=True)
    originals.mkdir(parents=True)
    rng = random.Random(20231119)
    for i in range(count):
        page = speech_page(i, rng)
        (speeches / f"s{i:05d}.md").write_text(page, encoding="utf-8")
        (originals / f"s{i:05d}.txt").write_text(page.split("\n---\n", 1)[1], encoding="utf-8")


def _children_cpu_seconds() -> float:
    """User and system CPU time of the finished child processes (the build and its index workers): on a
    shared machine the wall time depends on the other jobs, the CPU time much less."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(count: int, without_search: bool) -> dict:
    """Generate and build one archive (called in a child process) and return its figures."""
    with tempfile.TemporaryDirectory(prefix=f"site-bench-{count}-") as tmp:
        workdir = Path(tmp)
        write_project(workdir, count, without_search)
        started = time.perf_counter()
        cpu_before = _children_cpu_seconds()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(workdir / "mkdocs.yml")],
            capture_output=True, text=True, cwd=workdir, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        seconds = time.perf_counter() - started
        cpu_seconds = _children_cpu_seconds() - cpu_before
        if done.returncode != 0:
            raise SystemExit(f"mkdocs build failed for {count} speeches:\n{done.stdout}{done.stderr}")
        site = workdir / "site"
        files = [p for p in site.rglob("*") if p.is_file()]
        speech_pages = list((site / "speeches").glob("*/index.html"))
        html_pages = [p for p in files if p.suffix == ".html"]
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        index = [p for p in files if "search-index" in p.parts]
        sizes = {p: p.stat().st_size for p in files}
        largest = max(files, key=sizes.__getitem__)
        # the speeches' text: each original .txt is the page's Markdown body (headings and paragraphs)
        text_bytes = sum(sizes[p] for p in files if p.parent.name == "originals")
        return {
            "speeches": count,
            "build_seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "peak_memory_mb": round(peak_kib / 1024, 1),
            "site_mb": round(sum(sizes.values()) / 1e6, 2),
            "files": len(files),
            "files_per_speech": round(len(files) / count, 2),
            "index_mb": round(sum(sizes[p] for p in index) / 1e6, 2),
            "index_files": len(index),
            "text_mb": round(text_bytes / 1e6, 2),
            "index_to_text": round(sum(sizes[p] for p in index) / text_bytes, 3),
            "largest_file": str(largest.relative_to(site)),
            "largest_file_kb": round(sizes[largest] / 1e3, 1),
            "mean_speech_page_kb": round(
                sum(p.stat().st_size for p in speech_pages) / len(speech_pages) / 1e3, 2
            ),
            "mean_html_page_kb": round(sum(p.stat().st_size for p in html_pages) / len(html_pages) / 1e3, 2),
            "html_pages": len(html_pages),
            "search": not without_search,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--without-search", action="store_true", help="build without hooks/search.py")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.without_search)))
        return 0
    rows = []
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size)] + (
            ["--without-search"] * args.without_search
        )
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first, last = rows[0], rows[-1]
    growth = (last["mean_speech_page_kb"] - first["mean_speech_page_kb"]) / first["mean_speech_page_kb"]
    result = {
        "rows": rows,
        "mean_speech_page_growth": round(growth, 4),
        "within_10_percent": abs(growth) <= 0.10,
    }
    header = (f"{'speeches':>9} {'build s':>8} {'cpu s':>7} {'peak MB':>8} {'site MB':>8} {'files':>7} {'per speech':>10} "
              f"{'index MB':>9} {'index/text':>10} {'largest KB':>10} {'speech KB':>10} {'html KB':>8}")  # fmt: skip
    print(header)
    for row in rows:
        print(f"{row['speeches']:>9} {row['build_seconds']:>8} {row['cpu_seconds']:>7} {row['peak_memory_mb']:>8} {row['site_mb']:>8} "
              f"{row['files']:>7} {row['files_per_speech']:>10} {row.get('index_mb', 0):>9} "
              f"{row.get('index_to_text', 0):>10} {row['largest_file_kb']:>10} {row['mean_speech_page_kb']:>10} "
              f"{row['mean_html_page_kb']:>8}")  # fmt: skip
    print(
        f"mean speech page, {last['speeches']} vs {first['speeches']}: {growth:+.1%} "
        f"({'within' if result['within_10_percent'] else 'NOT within'} 10%)"
    )
    output = RESULTS if not args.without_search else RESULTS.with_name("site_build_without_search.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["within_10_percent"] else 1


if __name__ == "__main__":
    sys.exit(main())
