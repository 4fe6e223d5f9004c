"""The command line as a user runs it: `python -m converter convert SOURCES DOCS [options]`.

Exit status: 0 when nothing failed, 1 when a source failed (or a warning with --strict), 2 for usage errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import ROOT, run_converter

from converter import __version__

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "core"


@pytest.fixture
def sources(tmp_path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    shutil.copy(FIXTURES / "speech.txt", folder)
    return folder


USAGE_ERRORS = {
    "missing-sources": (["convert", "{tmp}/nowhere", "{tmp}/docs"], "SOURCES folder not found"),
    "sources-is-a-file": (["convert", "{tmp}/sources/speech.txt", "{tmp}/docs"], "SOURCES folder not found"),
    "docs-is-a-file": (["convert", "{tmp}/sources", "{tmp}/sources/speech.txt"], "DOCS is not a folder"),
    "same-folder": (["convert", "{tmp}/sources", "{tmp}/sources"], "must be different folders"),
    "jobs-zero": (["convert", "{tmp}/sources", "{tmp}/docs", "--jobs", "0"], "--jobs must be at least 1"),
    "jobs-negative": (
        ["convert", "{tmp}/sources", "{tmp}/docs", "--jobs", "-2"],
        "--jobs must be at least 1",
    ),
    "jobs-not-a-number": (["convert", "{tmp}/sources", "{tmp}/docs", "--jobs", "two"], "invalid int value"),
    "unknown-option": (["convert", "{tmp}/sources", "{tmp}/docs", "--fast"], "unrecognized arguments"),
    "no-docs": (["convert", "{tmp}/sources"], "the following arguments are required"),
    "no-command": ([], "the following arguments are required"),
    "unknown-command": (["build"], "invalid choice"),
}


@pytest.mark.parametrize("argv, hint", USAGE_ERRORS.values(), ids=USAGE_ERRORS.keys())
def test_usage_errors_exit_2(sources, tmp_path, argv, hint):
    args = [a.format(tmp=tmp_path) for a in argv]
    proc = subprocess.run(
        [sys.executable, "-m", "converter", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.returncode == 2, proc.stderr
    assert hint in proc.stderr
    assert "usage:" in proc.stderr
    assert not (tmp_path / "docs").exists()


def test_success_prints_a_one_line_summary(sources, tmp_path):
    proc = run_converter(sources, tmp_path / "docs", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "1 sources: 1 converted, 0 unchanged, 0 failed, 0 warnings, 0 files removed in "
    )
    assert lines[0].endswith(f"-> {tmp_path / 'docs'}")


def test_quiet_prints_nothing_on_success(sources, tmp_path):
    proc = run_converter(sources, tmp_path / "docs", "--jobs", "1", "--quiet")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert (tmp_path / "docs" / "speeches" / "speech.md").is_file()


def test_failure_exits_1_names_the_file_and_still_writes_the_report(sources, tmp_path):
    (sources / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")  # a PDF header and nothing else
    report = tmp_path / "out" / "report.json"
    proc = run_converter(sources, tmp_path / "docs", "--jobs", "1", "--quiet", "--report", str(report))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith("error: scan.pdf: ") and "[corrupt-pdf]" in proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [(d["source"], d["status"]) for d in data["documents"]] == [
        ("scan.pdf", "failed"),
        ("speech.txt", "converted"),
    ]


@pytest.mark.parametrize("strict, status", [(False, 0), (True, 1)], ids=["default", "strict"])
def test_strict_turns_warnings_into_failure(tmp_path, strict, status):
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(FIXTURES / "truncated.txt", sources)
    args = ["--jobs", "1", "--report", str(tmp_path / "r.json")] + (["--strict"] if strict else [])
    proc = run_converter(sources, tmp_path / "docs", *args)
    assert proc.returncode == status, proc.stderr
    summary = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]
    assert (summary["warnings"], summary["failed"]) == (1, 0)
    assert (tmp_path / "docs" / "speeches" / "truncated.md").is_file()
    # With --strict the warning that fails the run is named: file, text and code.
    named = [line for line in proc.stderr.splitlines() if line.startswith("warning: truncated.txt: ")]
    assert len(named) == (1 if strict else 0)
    if strict:
        assert named[0].endswith("[truncated]") and "mid-sentence" in named[0]


def test_strict_passes_a_clean_folder(sources, tmp_path):
    assert run_converter(sources, tmp_path / "docs", "--jobs", "1", "--strict").returncode == 0


def test_version():
    proc = subprocess.run(
        [sys.executable, "-m", "converter", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert (proc.returncode, proc.stdout.strip()) == (0, f"speech-archive {__version__}")


def test_empty_sources_folder(tmp_path):
    (tmp_path / "sources").mkdir()
    proc = run_converter(tmp_path / "sources", tmp_path / "docs", "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["documents"] == [] and report["summary"]["sources"] == 0


def _children(pid: int) -> set[int]:
    """The child processes of `pid` (every thread's), from /proc: the converter's workers."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(child) for child in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):  # a zombie no one reaps is dead too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def _start_a_long_run(tmp_path: Path) -> tuple[subprocess.Popen, set[int], Path]:
    """Start converting 3,000 sources with two workers; return once the pool is converting: the process,
    its workers' pids and the folder of pages."""
    sources = tmp_path / "sources"
    sources.mkdir()
    text = (FIXTURES / "speech.txt").read_text(encoding="utf-8")
    for number in range(3000):
        (sources / f"speech-{number:04d}.txt").write_text(text + f"\n第{number}号。\n", encoding="utf-8")
    pages = tmp_path / "docs" / "speeches"
    proc = subprocess.Popen(
        [sys.executable, "-m", "converter", "convert", str(sources), str(tmp_path / "docs"), "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (len(workers) >= 2 and pages.is_dir() and any(pages.iterdir())):
        workers |= _children(proc.pid)
        time.sleep(0.05)
    return proc, workers, pages


def _kill_what_is_left(proc: subprocess.Popen, workers: set[int]) -> None:
    for pid in [proc.pid, *workers]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.communicate()


LINUX_PROC = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds workers in /proc (Linux)")


@LINUX_PROC
def test_sigterm_stops_the_run_and_its_workers(tmp_path):
    """SIGTERM (a supervisor, `docker stop`, a CI timeout) is handled as Ctrl-C is: the worker pool is
    stopped, the run says it was interrupted and exits 143. Before, the main process died at once and
    its workers stayed blocked forever, holding the output pipe open, so a caller reading it hung."""
    proc, workers, pages = _start_a_long_run(tmp_path)
    try:
        assert len(workers) >= 2 and proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)  # hangs while a worker holds the pipe open
        assert proc.returncode == 143, stderr
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert len(list(pages.iterdir())) < 3000
        assert not [pid for pid in workers if _alive(pid)]
    finally:
        _kill_what_is_left(proc, workers)


@LINUX_PROC
def test_workers_end_when_the_run_is_killed(tmp_path):
    """SIGKILL (the OOM killer, `docker kill`) reaches no handler: the workers must end by themselves
    (PR_SET_PDEATHSIG), not block forever on their empty task queue."""
    proc, workers, _ = _start_a_long_run(tmp_path)
    try:
        assert len(workers) >= 2 and proc.poll() is None, "the run ended before it could be killed"
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        assert not [pid for pid in workers if _alive(pid)]
    finally:
        _kill_what_is_left(proc, workers)
