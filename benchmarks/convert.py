"""Benchmark the converter on a generated corpus: cold, incremental (nothing changed) and after edits.

    .venv/bin/python benchmarks/convert.py [--count 1000] [--jobs 2]

Generates COUNT speeches of about 10,000 Chinese characters (a third each .docx, .html and .txt,
with 一、（一） sections and 一是/二是 points), converts them with the real CLI, and prints a table;
the numbers also go to benchmarks/results/convert.json (convert_COUNT.json for another --count). Peak
memory is the largest resident set of any one process (the CLI or a worker), and CPU time the user and
system time of the CLI and its workers, both from getrusage(RUSAGE_CHILDREN). CPU time per speech is
the steadier figure on a shared machine; the load average before and after each run says how shared.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WORDS = (
    "发展 经济 工业 推进 企业 项目 建设 改革 创新 服务 基础 领导 干部 群众 农业 产业 富硒 茶叶 旅游 交通 "
    "生态 环境 保护 安全 生产 教育 医疗 就业 收入 民生 财政 金融 投资 消费 市场 开放 合作 乡村 振兴 城镇 "
    "规划 落实 责任 考核 督查 作风 效率 质量 效益 目标 任务 措施 政策 制度 机制 体系 能力 水平 平台 园区 "
    "招商 引资 资金 人才 科技 数字 能源 资源 矿产 水利 电力 道路 物流 电商 品牌 标准 监管 执法 法治 文化"
).split()
ORDINALS = "一二三四五六七八九十"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
    cut = rng.randint(2, len(words) - 2)
    return "".join(words[:cut]) + "，" + "".join(words[cut:]) + "。"


def paragraph(rng: random.Random, chars: int) -> str:
    out = ""
    while len(out) < chars:
        out += sentence(rng)
    return out


def speech_paragraphs(rng: random.Random, target: int = 10_000) -> list[str]:
    """Title-less body: intro, then 一、 sections with （一） subsections and 一是/二是 points."""
    paras = [paragraph(rng, 300)]
    per_section = target // 4
    for s in range(4):
        paras.append(f"{ORDINALS[s]}、{''.join(rng.choice(WORDS) for _ in range(4))}")
        for sub in range(3):
            paras.append(
                f"（{ORDINALS[sub]}）{''.join(rng.choice(WORDS) for _ in range(5))}。"
                + paragraph(rng, per_section // 6)
            )
        for point in range(3):
            paras.append(
                f"{ORDINALS[point]}是{''.join(rng.choice(WORDS) for _ in range(4))}。"
                + paragraph(rng, per_section // 8)
            )
    return paras


def write_txt(path: Path, title: str, paras: list[str]) -> None:
    path.write_text(title + "\n" + "\n".join(paras) + "\n", encoding="utf-8")


def write_html(path: Path, title: str, paras: list[str]) -> None:
    body = "".join(f"<p>{p}</p>" for p in paras)
    path.write_text(
        f"<html><head><meta charset='utf-8'><title>{title}_领导讲话_县人民政府</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/zwgk'>政务公开</a></div>"
        f"<div class='article'><h1>{title}</h1><div class='info'>发布时间：2023-04-19 来源：县政府办</div>"
        f"<div class='content'>{body}</div></div><div class='footer'>版权所有 县人民政府</div></body></html>",
        encoding="utf-8",
    )


def write_docx(path: Path, title: str, paras: list[str]) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for p in paras:
        document.add_paragraph(p)
    document.save(path)


WRITERS = {".txt": write_txt, ".html": write_html, ".docx": write_docx}


def generate(folder: Path, count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        suffix = (".docx", ".html", ".txt")[i % 3]
        year = 2015 + i % 10
        title = f"在{year}年{''.join(rng.choice(WORDS) for _ in range(3))}工作会议上的讲话"
        WRITERS[suffix](folder / f"{year}-{i:05d}{suffix}", title, speech_paragraphs(rng))
    return sum(p.stat().st_size for p in folder.iterdir())


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def convert(sources: Path, docs: Path, jobs: int, *extra: str) -> tuple[float, float, dict]:
    """Run the CLI; return its wall-clock seconds, CPU seconds (with its workers') and report summary."""
    report = docs.parent / "report.json"
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "converter",
            "convert",
            str(sources),
            str(docs),
            "--jobs",
            str(jobs),
            "--report",
            str(report),
            "--quiet",
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu_before
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return seconds, cpu, json.loads(report.read_text(encoding="utf-8"))["summary"]


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def measured_run(name: str, sources: Path, docs: Path, jobs: int) -> tuple:
    """(name, seconds, CPU seconds, (load average before, after), report summary) of one conversion."""
    load_before = load_average()
    seconds, cpu, summary = convert(sources, docs, jobs)
    return name, seconds, cpu, (load_before, load_average()), summary


def edit_some(sources: Path, fraction: float) -> int:
    files = sorted(p for p in sources.iterdir() if p.suffix == ".txt")
    edited = files[: max(1, int(len(files) * fraction))]
    for path in edited:
        path.write_text(path.read_text(encoding="utf-8") + "补充一句。\n", encoding="utf-8")
    return len(edited)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources, docs = work / "sources", work / "docs"
        t0 = time.perf_counter()
        total_bytes = generate(sources, args.count)
        gen_seconds = time.perf_counter() - t0
        rows = [measured_run("cold", sources, docs, args.jobs)]
        rows.append(measured_run("incremental, nothing changed", sources, docs, args.jobs))
        edited = edit_some(sources, 0.01)
        rows.append(measured_run(f"incremental, {edited} edited", sources, docs, args.jobs))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        shutil.rmtree(docs)
    mb = total_bytes / 1e6
    results = {
        "count": args.count,
        "jobs": args.jobs,
        "source_mb": round(mb, 1),
        "generate_seconds": round(gen_seconds, 1),
        "peak_rss_mb": round(peak_mb, 1),
        "runs": [],
    }
    print(
        f"{args.count} speeches, {mb:.1f} MB of sources, --jobs {args.jobs}, peak RSS {peak_mb:.0f} MB per process"
    )
    print(
        f"{'run':32} {'seconds':>8} {'docs/s':>8} {'MB/s':>7} {'CPU s':>7} {'CPU ms/sp':>10} "
        f"{'load':>11} {'converted':>10} {'unchanged':>10} {'failed':>7}"
    )
    for name, seconds, cpu, load, summary in rows:
        print(
            f"{name:32} {seconds:8.1f} {args.count / seconds:8.1f} {mb / seconds:7.2f} {cpu:7.1f} "
            f"{1000 * cpu / args.count:10.2f} {load[0]:5.1f}-{load[1]:<5.1f} "
            f"{summary['converted']:10} {summary['unchanged']:10} {summary['failed']:7}"
        )
        results["runs"].append(
            {
                "run": name,
                "seconds": round(seconds, 2),  # the report's own "seconds" (no process start) replaces it
                "wall_seconds": round(seconds, 2),  # with the CLI's start, as docs_per_s and mb_per_s
                "docs_per_s": round(args.count / seconds, 1),
                "mb_per_s": round(mb / seconds, 2),
                "cpu_seconds": round(cpu, 2),  # the CLI's and its workers' user + system time
                "cpu_ms_per_speech": round(1000 * cpu / args.count, 2),
                "load_average_before_after": list(load),
                **summary,
            }
        )
    path = RESULTS / ("convert.json" if args.count == 1000 else f"convert_{args.count}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
