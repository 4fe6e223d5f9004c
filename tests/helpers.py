"""Helpers shared by tests in every folder: run the converter as a user would, build a site.

Import them as `from helpers import run_converter` (pytest puts tests/ on the path). They live here,
not in conftest.py, because with several conftest.py files `conftest` names whichever pytest
imported last.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def mkdocs_env(extra: dict | None = None) -> dict:
    """The environment for `python -m mkdocs` in a test: this checkout's `converter` package first on
    the path (MkDocs runs in another folder, where an installed copy would otherwise be imported by
    the hooks), and without Material 9.8's banner about MkDocs 2."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": path, **(extra or {})}


def require_soffice() -> None:
    """Skip a test that needs LibreOffice when it is missing, or fail it under CI=true (where
    `.ci/run` installs it, so a missing soffice is a broken machine, not a reason to pass)."""
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
    if IN_CI:
        pytest.fail(f"LibreOffice tests cannot run in CI: {reason}")
    pytest.skip(reason)


def run_converter(sources: Path, docs: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m converter convert SOURCES DOCS ...` as a user would, and return the process."""
    return subprocess.run(
        [sys.executable, "-m", "converter", "convert", str(sources), str(docs), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def build_site(sources: Path, workdir: Path) -> Path:
    """Convert `sources` and build the site with `mkdocs build --strict` in a copy of the project's site
    configuration under `workdir`. Returns the built site folder; raises AssertionError with the
    converter's or MkDocs' output when either fails."""
    for name in ("mkdocs.yml", "hooks", "overrides"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, workdir / name)
    docs = workdir / "docs"
    converted = run_converter(sources, docs, "--report", str(workdir / "report.json"))
    assert converted.returncode == 0, converted.stdout + converted.stderr
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(workdir / "mkdocs.yml"),
            "-d",
            str(workdir / "site"),
        ],
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=900,
        env=mkdocs_env(),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return workdir / "site"


def png() -> bytes:
    """A valid 1×1 PNG, for fixtures that need a real image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )
