"""Benchmark .doc files through LibreOffice: a batch through the pipeline, and single files read directly.

    .venv/bin/python benchmarks/office.py [--count 200] [--jobs 2] [--single 5]

Generates COUNT varied Chinese speeches as .docx (3,000 to 15,000 characters, 一、（一） sections in
黑体/楷体, a table in every third one), saves them as Word 97 .doc with one LibreOffice call (set-up, not
timed), then converts the .doc folder with the real CLI: cold, then again with nothing changed. soffice
is found through a wrapper on PATH that counts its starts. Then SINGLE files are read one at a time with
the office reader (one soffice start each), which is what the batch saves. Peak memory is the largest
resident set of any one process of a run (the CLI, a worker or soffice.bin), from
getrusage(RUSAGE_CHILDREN) in a wrapper process. Prints a table; the numbers also go to
benchmarks/results/office.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from convert import ORDINALS, WORDS, paragraph, speech_paragraphs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "office.json"

# Runs a command and prints the largest resident set (KiB) of any process it started.
PEAK_WRAPPER = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def write_speech(path: Path, rng: random.Random, index: int) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    title = f"在{2015 + index % 10}年{''.join(rng.choice(WORDS) for _ in range(3))}工作会议上的讲话"
    document.core_properties.title = title

    def add(text: str, font: str, bold: bool = False) -> None:
        run = document.add_paragraph().add_run(text)
        run.font.size, run.font.bold = Pt(16), bold
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    add(title, "方正小标宋简体", bold=True)
    for text in speech_paragraphs(rng, target=rng.choice((3_000, 6_000, 10_000, 15_000))):
        if text[:2] in {f"{n}、" for n in ORDINALS}:
            add(text, "黑体")
        elif text.startswith("（"):
            add(text, "楷体_GB2312")
        else:
            add(text, "仿宋_GB2312")
    if index % 3 == 0:
        table = document.add_table(rows=4, cols=3)
        for row in table.rows:
            for cell in row.cells:
                cell.text = paragraph(rng, 4)[:8]
    document.save(path)


def generate(sources: Path, work: Path, count: int, seed: int = 11) -> float:
    """COUNT .doc files in `sources`; returns the seconds LibreOffice took to save them."""
    made = work / "made"
    made.mkdir(parents=True)
    rng = random.Random(seed)
    for i in range(count):
        write_speech(made / f"speech-{i:04d}.docx", rng, i)
    started = time.perf_counter()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc:MS Word 97",
            "--outdir",
            str(sources),
            *sorted(str(p) for p in made.iterdir()),
        ],
        check=True,
        capture_output=True,
    )
    if len(list(sources.glob("*.doc"))) != count:
        raise SystemExit("LibreOffice did not save every .doc file")
    return time.perf_counter() - started


def counting_path(work: Path) -> tuple[dict, Path]:
    """An environment whose soffice counts its starts in the returned log, then runs the real one."""
    real, log = shutil.which("soffice"), work / "soffice-starts.log"
    script = work / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho start >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{script.parent}{os.pathsep}{os.environ['PATH']}"}, log


def starts(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def convert(sources: Path, docs: Path, jobs: int, env: dict) -> tuple[float, int, dict]:
    """(seconds, peak KiB, report summary) of one CLI run."""
    report = docs.parent / "report.json"
    command = [sys.executable, "-m", "converter", "convert", str(sources), str(docs)]
    command += ["--jobs", str(jobs), "--report", str(report), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_WRAPPER, *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return seconds, int(done.stdout.split()[-1]), json.loads(report.read_text(encoding="utf-8"))["summary"]


def read_singly(files: list[Path], env: dict) -> tuple[float, int]:
    """(seconds, peak KiB) to read each file with the office reader, one soffice start per file."""
    code = "import sys; from pathlib import Path; from converter.readers import office\n"
    code += "for name in sys.argv[1:]: office.read(Path(name))"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_WRAPPER, sys.executable, "-c", code, *map(str, files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return time.perf_counter() - started, int(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--single", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("soffice"):
        raise SystemExit("LibreOffice is not installed: sudo apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = work / "sources"
        save_seconds = generate(sources, work, args.count)
        source_mb = sum(p.stat().st_size for p in sources.iterdir()) / 1e6
        env, log = counting_path(work)
        rows = []
        for name in ("cold", "unchanged rerun"):
            before = starts(log)
            seconds, peak, summary = convert(sources, work / "docs", args.jobs, env)
            rows.append((name, args.count, seconds, starts(log) - before, peak, summary))
        before = starts(log)
        singles = sorted(sources.iterdir())[: args.single]
        seconds, peak = read_singly(singles, env)
        rows.append(("direct reads, one file each", len(singles), seconds, starts(log) - before, peak, None))
    print(
        f"{args.count} .doc speeches, {source_mb:.1f} MB, --jobs {args.jobs} (set-up: saved in {save_seconds:.0f} s)"
    )
    header = (
        f"{'run':28} {'files':>6} {'seconds':>8} {'files/s':>8} {'s/file':>7} {'starts':>7} {'peak MB':>8}"
    )
    print(header + f" {'converted':>10} {'unchanged':>10} {'failed':>7}")
    results = {"count": args.count, "jobs": args.jobs, "source_mb": round(source_mb, 1), "runs": []}
    for name, files, seconds, started, peak, summary in rows:
        counts = summary or {"converted": "-", "unchanged": "-", "failed": "-"}
        print(
            f"{name:28} {files:6} {seconds:8.1f} {files / seconds:8.2f} {seconds / files:7.3f} {started:7} "
            f"{peak / 1024:8.0f} {counts['converted']:>10} {counts['unchanged']:>10} {counts['failed']:>7}"
        )
        results["runs"].append(
            {
                "run": name,
                "files": files,
                "seconds": round(seconds, 2),
                "files_per_s": round(files / seconds, 2),
                "seconds_per_file": round(seconds / files, 3),
                "soffice_starts": started,
                "peak_rss_mb": round(peak / 1024, 1),
                "report": summary,  # the converter's own summary (its seconds exclude process start-up)
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
