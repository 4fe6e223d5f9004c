"""Turn old word-processor files (.doc, .wps, .rtf, .odt) into .docx with LibreOffice, for the Word reader.

`convert_many(files, workdir, workers)` runs `soffice --headless --convert-to docx` on many files at
once, because starting LibreOffice costs seconds and converting one more file a fraction of one. Each
of the `workers` parallel soffice processes gets its own profile folder (two processes sharing a
profile would wait for each other or fail) and a share of the files. A watchdog kills a process's whole
group when no file has come out for SECONDS_PER_FILE. The files a killed or crashed call left
unconverted are tried again: the first one alone (in file order it is the likely culprit), the rest
together again, so a file that hangs or crashes LibreOffice fails alone and the others still convert.

Inputs are copied into the work folder under neutral names (00001.doc, ...), so two sources with the
same name never overwrite each other's output, the extension tells LibreOffice what the content is
(a .wps is Word 97 inside, not Works), and nothing is ever written beside the user's sources.

Message codes (errors, returned as `ConversionError`s):
  - needs-libreoffice: soffice is not installed (Debian package libreoffice-writer-nogui), or cannot
    be started.
  - unreadable: the source could not be copied to the work folder.
  - too-slow: LibreOffice took longer than its time limit on this file and was stopped.
  - damaged-document: LibreOffice could not open the file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .model import ConversionError

DEBIAN_PACKAGE = "libreoffice-writer-nogui"

# A cold start with a new profile takes 2-4 s on an idle machine; with every core busy it can take
# ten times longer. A process that has not produced its first file after this long is stuck.
START_SECONDS = 60

# A 100-page Word file converts in about a second; one that takes a minute is pathological (or
# LibreOffice is waiting for something that will never come, such as a password).
SECONDS_PER_FILE = 60

# Address space of a soffice process. LibreOffice maps about 1 GB to convert a small file; a hostile
# file that needs more than this fails alone instead of pushing the machine into swap.
MAX_ADDRESS_SPACE = 4 * 1024**3

# The extension each kind of content is staged under, so LibreOffice picks the right import filter.
STAGED_SUFFIX = {"word97": ".doc", "rtf": ".rtf", "odt": ".odt", "fodt": ".fodt", "word2003xml": ".xml"}

POLL_SECONDS = 0.1

# The exit statuses of prlimit (and of a shell) that could not run the program it was given.
EXEC_FAILED = (126, 127)

Outcome = Path | ConversionError  # the .docx LibreOffice wrote, or why it did not


def find_soffice() -> str | None:
    """The soffice program on PATH, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _not_installed(source: Path) -> ConversionError:
    return ConversionError(
        "needs-libreoffice",
        f"{source.name}: reading {source.suffix} files needs LibreOffice, which is not installed. "
        f"Install it (sudo apt-get install {DEBIAN_PACKAGE} on Debian or Ubuntu; any LibreOffice "
        "elsewhere, with soffice on the PATH) and convert again, or save the speech as .docx.",
    )


def convert_one(source: Path, kind: str, workdir: Path) -> Path:
    """The .docx LibreOffice makes from one file, inside `workdir`; raises `ConversionError`."""
    outcome = convert_many([(source, kind)], workdir, workers=1)[source]
    if isinstance(outcome, ConversionError):
        raise outcome
    return outcome


def convert_many(files: list[tuple[Path, str]], workdir: Path, workers: int) -> dict[Path, Outcome]:
    """Convert (source, kind) pairs to .docx files inside `workdir` with at most `workers` soffice
    processes at a time. Returns each source's .docx or the error that stopped it; never raises."""
    soffice = find_soffice()
    if soffice is None:
        return {source: _not_installed(source) for source, _ in files}
    shares = [files[i::workers] for i in range(max(1, workers)) if files[i::workers]]
    outcomes: dict[Path, Outcome] = {}
    with ThreadPoolExecutor(max_workers=len(shares) or 1) as pool:
        jobs = [
            pool.submit(_convert_share, soffice, share, workdir / f"soffice-{i}")
            for i, share in enumerate(shares)
        ]
        for job in jobs:
            outcomes.update(job.result())
    return outcomes


def _convert_share(soffice: str, files: list[tuple[Path, str]], folder: Path) -> dict[Path, Outcome]:
    """One worker's files, through one soffice process (more only when a file makes it fail)."""
    staged, outcomes = _stage(files, folder / "in")
    outdir, profile = folder / "out", folder / "profile"
    queue, suspect_first = list(staged), False
    while queue:
        batch, queue = (queue[:1], queue[1:]) if suspect_first else (queue, [])
        status = _run_soffice(soffice, batch, outdir, profile)
        left = []
        for staged_path in batch:
            output = outdir / f"{staged_path.stem}.docx"
            if _is_whole_docx(output):
                outcomes[staged[staged_path]] = output
            else:
                left.append(staged_path)
        # A killed or crashed call may have stopped before files that are fine: try them again.
        suspect_first = bool(left) and len(batch) > 1 and status in ("too-slow", "crashed")
        if suspect_first:
            queue = left + queue
        else:
            for staged_path in left:
                outcomes[staged[staged_path]] = _failure(staged[staged_path], status)
    return outcomes


def _stage(files: list[tuple[Path, str]], folder: Path) -> tuple[dict[Path, Path], dict[Path, Outcome]]:
    """Copy the sources into `folder` under neutral names. Returns staged path -> source, and the
    errors of the sources that could not be copied."""
    folder.mkdir(parents=True, exist_ok=True)
    staged, failed = {}, {}
    for number, (source, kind) in enumerate(files, start=1):
        target = folder / f"{number:05d}{STAGED_SUFFIX[kind]}"
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            failed[source] = ConversionError(
                "unreadable",
                f"{source.name}: could not be read ({exc.strerror or exc}); check its permissions.",
            )
        else:
            staged[target] = source
    return staged, failed


def _run_soffice(soffice: str, inputs: list[Path], outdir: Path, profile: Path) -> str:
    """Run one soffice call; 'finished' when it ended by itself (whatever it converted), 'too-slow'
    when the watchdog killed it, 'crashed' when it died of a signal or an error status, 'cannot-start'
    when the program could not be run at all."""
    outdir.mkdir(parents=True, exist_ok=True)
    command = [
        soffice,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(outdir),
        *map(str, inputs),
    ]
    # prlimit (util-linux) sets the limit before soffice starts; preexec_fn would, but is unsafe in the
    # threads convert_many runs this in.
    prlimit = shutil.which("prlimit")
    if prlimit:
        command = [prlimit, f"--as={MAX_ADDRESS_SPACE}", "--", *command]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so the watchdog can kill soffice.bin too
        )
    except OSError:
        return "cannot-start"
    try:
        if not _wait_with_progress(process, outdir):
            return "too-slow"
    finally:
        _kill_group(process)
    if process.returncode in EXEC_FAILED:
        return "cannot-start"
    return "finished" if process.returncode == 0 else "crashed"


def _wait_with_progress(process: subprocess.Popen, outdir: Path) -> bool:
    """Wait for the process; False when no new file came out in time (the process is then killed)."""
    deadline = time.monotonic() + START_SECONDS + SECONDS_PER_FILE
    written = len(os.listdir(outdir))  # one directory read per poll, however many files the call has
    while process.poll() is None:
        now_written = len(os.listdir(outdir))
        if now_written > written:
            written, deadline = now_written, time.monotonic() + SECONDS_PER_FILE
        if time.monotonic() > deadline:
            _kill_group(process)
            process.wait()
            return False
        time.sleep(POLL_SECONDS)
    return True


def _kill_group(process: subprocess.Popen) -> None:
    """Kill what is left of the process's group (soffice.bin outlives a killed launcher)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _is_whole_docx(path: Path) -> bool:
    """True when `path` is a complete zip package (a process killed while saving leaves half a file)."""
    try:
        with zipfile.ZipFile(path) as package:
            return package.testzip() is None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def _failure(source: Path, status: str) -> ConversionError:
    if status == "cannot-start":
        return ConversionError(
            "needs-libreoffice",
            f"{source.name}: LibreOffice is installed but could not be started; reinstall it "
            f"(sudo apt-get install --reinstall {DEBIAN_PACKAGE}) and convert again.",
        )
    if status == "too-slow":
        return ConversionError(
            "too-slow",
            f"{source.name}: LibreOffice took more than {SECONDS_PER_FILE} seconds on this file and was "
            "stopped. Open it in Word, WPS or LibreOffice and save it as .docx.",
        )
    return ConversionError(
        "damaged-document",
        f"{source.name}: LibreOffice could not open this file"
        + (" (it crashed)" if status == "crashed" else "")
        + "; it is damaged or not a word-processor document. Copy it again from its original, or open it "
        "in Word, WPS or LibreOffice and save it as .docx.",
    )
