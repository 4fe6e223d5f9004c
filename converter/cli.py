"""Command line: `speech-archive convert SOURCES DOCS` (also `python -m converter convert …`).

A thin layer over `batch.convert_folder`: it parses flags, shows a progress bar on a terminal,
writes the JSON report and prints a one-line summary. Exit status: 0 when nothing failed, 1 when a
source failed (or, with --strict, when there is any warning), 2 for usage errors, 130 when stopped by
Ctrl-C (SIGINT) and 143 when stopped by SIGTERM (a supervisor, `docker stop`, a CI timeout): 128 plus the
signal's number, the status a shell reports for a process the signal killed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .batch import Options, Report, convert_folder
from .safety import atomic_write


class UsageError(Exception):
    pass


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the main process is, so that the run stops as on Ctrl-C: the worker pool is
    stopped (the default action would leave its processes blocked forever, holding the output open) and
    every file written so far is whole."""


def _terminated(_signum, _frame):
    raise Terminated


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="speech-archive",
        description="Publish a folder of speeches as a "
        "static archive site: convert sources into Markdown pages for MkDocs.",
    )
    parser.add_argument("--version", action="version", version=f"speech-archive {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("convert", help="convert SOURCES (.docx, .html, .txt) into pages in DOCS")
    convert.add_argument(
        "sources", type=Path, help="folder of source files (sidecars and catalog.csv beside)"
    )
    convert.add_argument("docs", type=Path, help="MkDocs docs folder to write pages into")
    convert.add_argument("--report", type=Path, help="write a JSON report of every source to this file")
    convert.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="conversions to run in parallel (default: number of CPUs)",
    )
    convert.add_argument("--strict", action="store_true", help="exit with status 1 if there is any warning")
    convert.add_argument("--force", action="store_true", help="convert every source, even unchanged ones")
    convert.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return parser


def check_folders(sources: Path, docs: Path) -> None:
    if not sources.is_dir():
        raise UsageError(f"SOURCES folder not found: {sources}")
    if docs.exists() and not docs.is_dir():
        raise UsageError(f"DOCS is not a folder: {docs}")
    if sources.resolve() == docs.resolve():
        raise UsageError("SOURCES and DOCS must be different folders")


def progress_bar(wanted: bool):
    """A tqdm bar on a terminal; nothing when output goes to a file or CI log.

    Returns the bar and the callback the pipeline calls after each source with (source, done, total)."""
    if not wanted or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(unit="file", desc="converting", leave=False)

    def advance(rel: str, done: int, total: int) -> None:
        bar.total = total
        bar.set_postfix_str(rel[-40:], refresh=False)
        bar.update(done - bar.n)

    return bar, advance


def summary_line(report: Report, docs: Path) -> str:
    s = report.summary()
    line = (
        f"{s['sources']} sources: {s['converted']} converted, {s['unchanged']} unchanged, "
        f"{s['failed']} failed, {s['warnings']} warnings, {s['removed']} files removed "
        f"in {s['seconds']:.1f} s -> {docs}"
    )
    return line


def print_problems(report: Report, strict: bool = False) -> None:
    """Every error, naming its file; with --strict every warning too, since warnings then fail the run."""
    shown = {"error", "warning"} if strict else {"error"}
    for entry in report.documents:
        for m in entry.messages:
            if m.level in shown:
                text = m.text if m.text.startswith(entry.source) else f"{entry.source}: {m.text}"
                print(f"{m.level}: {text} [{m.code}]", file=sys.stderr)
    for m in report.messages:
        print(f"{m.level}: [{m.code}] {m.text}", file=sys.stderr)


def run_convert(args: argparse.Namespace) -> int:
    check_folders(args.sources, args.docs)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    bar, progress = progress_bar(not args.quiet)
    try:
        options = Options(jobs=args.jobs, force=args.force, strict=args.strict)
        report = convert_folder(args.sources, args.docs, options, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    if args.report:
        atomic_write(args.report, json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    print_problems(report, args.strict)
    if not args.quiet:
        print(summary_line(report, args.docs))
    return report.exit_status(args.strict)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return run_convert(args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"speech-archive: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"speech-archive: error: {exc.strerror or exc}: {exc.filename or ''}. Check that the folders "
            "exist and are writable.",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt as exc:
        print(
            "speech-archive: interrupted; pages written so far are complete, run again to finish.",
            file=sys.stderr,
        )
        return 128 + signal.SIGTERM if isinstance(exc, Terminated) else 128 + signal.SIGINT
    finally:
        signal.signal(signal.SIGTERM, previous)
