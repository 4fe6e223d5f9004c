"""Convert a folder of sources into a folder of pages, incrementally, safely, in parallel.

- Every source ends in the report: converted, unchanged (skipped because neither it, its overrides
  nor the converter changed) or failed, with its messages. One bad file never stops the others.
- Pages, originals and media are written atomically (a temporary file renamed into place), so a run
  killed part-way leaves each file either old or new; the next run finishes the work.
- Only files the converter wrote itself (recorded in DOCS/.speech-archive.json) are ever removed:
  the pages of deleted sources, and files a source no longer produces.
- Slugs are stable: a source keeps the slug it was first given. A new source's slug is dated
  (2021-06-30-xiang-cun-…) when its file name opens or closes with a date (see `base_slug`).
- .doc/.wps/.rtf/.odt sources are turned into .docx by LibreOffice before the worker pool starts, all
  of a run's in one soffice call per worker (see `converter/libreoffice.py`).

Message codes:
  - slug-changed: an override asked for a slug another source already has; a suffix was added.
  - slug-refused: an override asked for a slug another speech had (a URL that now redirects, or a removed
    page's); it was ignored.
  - replaces-refused: a `replaces` claim names another speech's page or old URL (ignored).
  - page-removed: a source is gone, so its page was removed; its URL keeps a notice (see `gone`).
  Entries under SOURCES that are not converted (see `find_sources`), errors:
  - name-not-utf8: the file's name (or its folder's) is not UTF-8, as a zip from Chinese Windows leaves it.
  - link-outside-sources: a link to a file or folder outside SOURCES (never followed).
  - broken-link: a link to nothing, or a loop of links.
  - not-a-file: a pipe, socket or device; unreadable: an entry or folder that cannot be read.
  and warnings, for what is skipped on purpose:
  - link-skipped: a link to a file or folder inside SOURCES (converted under its own name, not twice).
  - hidden-file-skipped: a hidden file (.NAME) with a source's extension.
  - lock-file-skipped: ~$NAME, the lock file Word and WPS leave beside an open document.
  - catalog-not-at-top: a catalog.csv in a subfolder (only SOURCES/catalog.csv is read).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import signal
import stat
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import yaml
from slugify import slugify

from . import __version__, ledger, libreoffice, safety
from .dates import split_stem_date
from .markdown import media_file_name
from .model import ConversionError, Message, error, warning
from .overrides import CATALOG_NAME, RESERVED_SLUGS, SOURCE_SUFFIXES, load_overrides
from .pipeline import Converted, Task, convert_task, identity_of, original_name
from .readers import office
from .safety import atomic_write, printable

STATE_FILE = ".speech-archive.json"
STATE_VERSION = 1
# Seconds between two saves of the state while converting; bounds the work a killed run has to redo.
# By time, not by a count of documents: each save writes every record, so saving every N documents
# made a run's saves grow with the square of the archive (4 MB written 200 times for 10,000 sources).
SAVE_STATE_SECONDS = 10.0
SKIPPED_DIRS_SUFFIX = "_files"  # the folder of images a browser saves beside NAME.html


@dataclass(frozen=True)
class Options:
    """How to run a conversion; the CLI's flags with their defaults."""

    jobs: int = 1
    force: bool = False
    strict: bool = False


@dataclass
class Entry:
    """One source's line in the report."""

    source: str
    status: str  # converted | unchanged | failed
    output: str | None = None
    messages: list[Message] = field(default_factory=list)
    repairs: dict = field(default_factory=dict)
    renamed_from: str | None = None  # the source's earlier path, when it was renamed or moved

    def as_dict(self) -> dict:
        out = {
            "source": self.source,
            "status": self.status,
            "output": self.output,
            "messages": [m.as_dict() for m in self.messages],
            "repairs": self.repairs,
        }
        if self.renamed_from:
            out["renamed_from"] = self.renamed_from
        return out


@dataclass
class Report:
    documents: list[Entry]
    messages: list[Message]  # problems not tied to one source (e.g. a catalog row naming no file)
    removed: list[str]
    seconds: float

    def summary(self) -> dict:
        counts = {s: sum(e.status == s for e in self.documents) for s in ("converted", "unchanged", "failed")}
        warnings = sum(m.level == "warning" for e in self.documents for m in e.messages)
        warnings += sum(m.level == "warning" for m in self.messages)
        return {
            "sources": len(self.documents),
            **counts,
            "warnings": warnings,
            "removed": len(self.removed),
            "seconds": round(self.seconds, 3),
            "converter": f"speech-archive {__version__}",
        }

    def as_dict(self) -> dict:
        return {
            "documents": [e.as_dict() for e in self.documents],
            "messages": [m.as_dict() for m in self.messages],
            "removed": self.removed,
            "summary": self.summary(),
        }

    def exit_status(self, strict: bool) -> int:
        summary = self.summary()
        if summary["failed"]:
            return 1
        return 1 if strict and summary["warnings"] else 0


# --------------------------------------------------------------------------- files


def find_sources(
    sources: Path, docs: Path, is_override_file
) -> tuple[list[tuple[str, Path]], list[tuple[str, Message]]]:
    """Every file under SOURCES that is a source, as (relative posix path, path), sorted; and every
    entry that looks like a source but is not converted, as (its path as shown, the message saying why):
    an error for a source that fails here (a link, a pipe, a name that is not UTF-8), a warning for one
    skipped on purpose (a hidden file, Word's ~$ lock file, a catalog.csv below the top).

    Not sources, without a message: hidden folders, sidecars and the top-level catalog.csv, hidden files
    with no source extension and macOS's ._NAME files, the files Windows Explorer writes into folders
    (Thumbs.db, desktop.ini), the NAME_files folders browsers save beside a page, and DOCS itself (if it
    lies inside SOURCES). Links are never followed (see `link_problem`)."""
    found, refused = [], []
    root, docs = sources.resolve(), docs.resolve()

    def unreadable_folder(exc: OSError) -> None:
        rel = printable(Path(exc.filename).relative_to(sources).as_posix())
        text = f"{rel}: the folder cannot be read ({exc.strerror}); its files were not converted. Check it."
        refused.append((rel, error("unreadable", text)))

    for folder, dirs, files in os.walk(sources, onerror=unreadable_folder):
        folder_path = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and (folder_path / d).resolve() != docs
            and not _is_saved_page_assets(folder_path, d, files)
        )
        links = [d for d in dirs if (folder_path / d).is_symlink()]  # judged as links, never walked
        dirs[:] = [d for d in dirs if d not in links]
        for name in sorted(files + links):
            path = folder_path / name
            rel = path.relative_to(sources).as_posix()
            if is_override_file(rel) or name.lower() in SYSTEM_FILES:
                continue
            problem = _hidden_file(name, rel) if name.startswith(".") else source_problem(root, path, rel)
            if problem:
                refused.append((printable(rel), problem))
            elif not name.startswith("."):  # a hidden file is never a source, even without a message
                found.append((rel, path))
    return sorted(found), sorted(refused, key=lambda item: item[0])


# Windows Explorer's thumbnail caches and folder settings: in every folder a Windows zip was made from,
# never a speech (they failed as unsupported-format errors, one for each folder).
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini"})


def _hidden_file(name: str, rel: str) -> Message | None:
    """Hidden files are skipped on purpose (.DS_Store, editors' and LibreOffice's lock files); one with a
    source's extension is named, since it may be a speech someone hid by mistake. macOS's ._NAME files
    (AppleDouble metadata beside every file copied from a Mac) are not."""
    if name.startswith("._") or Path(name).suffix.lower() not in SOURCE_SUFFIXES:
        return None
    return warning(
        "hidden-file-skipped",
        f"{printable(rel)}: a hidden file (its name starts with '.') is not converted. "
        "Rename it without the leading '.' to publish it.",
    )


def source_problem(root: Path, path: Path, rel: str) -> Message | None:
    """Why the (not hidden) entry at `path` is not converted, or None for a source: a regular file,
    not a link, whose name is UTF-8. Never opens the entry, so a FIFO cannot block the run."""
    shown = printable(rel)
    if shown != rel:
        return error("name-not-utf8", _name_not_utf8_text(rel))
    if path.name.startswith("~$"):
        return warning(
            "lock-file-skipped",
            f"{rel}: a lock file Word or WPS leaves beside a document while it is open (its name starts "
            "with ~$), not a speech; it was skipped. Close the document and delete the file.",
        )
    if path.name.lower() == CATALOG_NAME:
        return warning(
            "catalog-not-at-top",
            f"{rel}: a catalog is read only at the top of SOURCES ({CATALOG_NAME} beside the folders), "
            "so this one was ignored. Move its rows into that file, with paths relative to SOURCES.",
        )
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return error("unreadable", f"{rel}: cannot be read ({exc.strerror}).")
    if stat.S_ISLNK(mode):
        return link_problem(root, path, rel)
    if not stat.S_ISREG(mode):
        return error(
            "not-a-file", f"{rel}: not a regular file (a pipe, socket or device); move it out of SOURCES."
        )
    return None


def link_problem(root: Path, path: Path, rel: str) -> Message:
    """The message for a link among the sources. Links are never followed: one leading outside SOURCES
    would publish whatever it points to (/etc/passwd as an "original"), and one leading inside would
    convert its file twice, under two addresses, while that file is converted under its own name."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # no such file, or a loop (RuntimeError before Python 3.13)
        return error(
            "broken-link",
            f"{rel}: a link to {printable(os.readlink(path))}, which does not exist or links back to itself. "
            "Remove the link, or put the file itself in its place.",
        )
    if root != target and root not in target.parents:
        return error(
            "link-outside-sources",
            f"{rel}: a link to {printable(str(target))}, outside SOURCES; only files inside SOURCES are "
            "published, so it was not followed. Copy the file (or folder) into SOURCES to publish it.",
        )
    return warning(
        "link-skipped",
        f"{rel}: a link to {printable(target.relative_to(root).as_posix())}, inside SOURCES; links are not "
        "followed, so that nothing is converted twice. What it points to is converted under its own name.",
    )


def _name_not_utf8_text(rel: str) -> str:
    name = PurePosixPath(rel).name
    what = "the name" if printable(name) != name else "the name of its folder"
    try:
        hint = f" (read as GB18030 it is {os.fsencode(rel).decode('gb18030')!r})"
    except UnicodeDecodeError:
        hint = ""
    return (
        f"{printable(rel)}: {what} is not UTF-8{hint}, probably because a zip made on Chinese Windows was "
        "unpacked here; the file was not converted. Unpack the zip again with `unzip -O GBK archive.zip`, "
        "convert the names with `convmv -r -f gbk -t utf-8 --notest SOURCES`, or rename the file."
    )


def _is_saved_page_assets(root: Path, dirname: str, files: list[str]) -> bool:
    if not dirname.endswith(SKIPPED_DIRS_SUFFIX):
        return False
    stem = dirname[: -len(SKIPPED_DIRS_SUFFIX)]
    return any(f in files for f in (f"{stem}.html", f"{stem}.htm"))


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- state


TEMP_FILE = re.compile(r"^\..+\.\d+\.tmp$")  # what atomic_write leaves behind when a run is killed


def remove_stale_temp_files(docs: Path) -> None:
    """Remove the temporary files of a run that was killed mid-write (only names atomic_write makes)."""
    for root, _, files in os.walk(docs):
        for name in files:
            if TEMP_FILE.match(name):
                with contextlib.suppress(OSError):
                    (Path(root) / name).unlink()


def load_state(docs: Path) -> dict:
    try:
        state = json.loads((docs / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": STATE_VERSION, "sources": {}}
    if state.get("version") != STATE_VERSION or not isinstance(state.get("sources"), dict):
        return {"version": STATE_VERSION, "sources": {}}
    return state


def save_state(docs: Path, state: dict) -> None:
    """Write the state, after the files it names: pages and originals are written without a flush
    each (write_outputs), so a power cut must not leave a state that calls an empty page converted."""
    safety.make_durable()
    atomic_write(docs / STATE_FILE, json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True))


def remove_outputs(docs: Path, outputs: list[str]) -> list[str]:
    """Remove files the converter wrote earlier; never anything outside DOCS."""
    removed = []
    root = docs.resolve()
    for rel in outputs:
        path = (docs / rel).resolve()
        if root not in path.parents or not path.is_file():
            continue
        path.unlink()
        removed.append(rel)
        parent = path.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


# --------------------------------------------------------------------------- slugs


MAX_SLUG = 80  # characters a slug made from a file name may have (an explicit slug may have up to 100)

# The slug scheme for sources nothing remembers (README, "Addresses"): a file name that opens or closes
# with a date gives YYYY-MM-DD-<the rest of the name>, whatever form the date takes there (2021年6月30日,
# 20210630, 2021.6.30, 2021_06_30, …), so an archive's addresses read and sort alike; any other name gives
# the slug of the whole name. Until dated slugs, every name gave the slug of the whole name (the
# "file-name slug": 2021nian-6yue-30ri-…, 20200408-…), and archives published that way keep those
# addresses: a remembered source keeps its slug (assign_slugs), and see `legacy_addresses`.


def base_slug(rel: str) -> str:
    """The slug of a source that nothing remembers and no override names: dated when its file name
    opens or closes with a date, else its file-name slug."""
    dated = split_stem_date(Path(rel).stem)
    if dated is None:
        return file_name_slug(rel)
    date, rest = dated
    rest_slug = _slugified(rest, MAX_SLUG - len(date) - 1)
    return f"{date}-{rest_slug}" if rest_slug else date


def file_name_slug(rel: str) -> str:
    """The slug of the whole file name: every source's before dated slugs, and an undated one's now."""
    slug = _slugified(Path(rel).stem, MAX_SLUG)
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-speech"
    return slug or "speech-" + hashlib.sha1(rel.encode("utf-8")).hexdigest()[:8]


def _slugified(text: str, max_length: int) -> str:
    return slugify(text, max_length=max_length, word_boundary=True, lowercase=True)


def assign_slugs(
    rels: list[str],
    wanted: dict[str, str],
    previous: dict[str, str],
    name_slug: Callable[[str], str] = base_slug,
    retired: dict[str, str] | None = None,
) -> dict[str, str]:
    """A unique slug per source. Kept from the last run where possible, so URLs do not move;
    otherwise the override's or `name_slug` of the file name, with a short hash of the path on a clash.
    `retired` (an old slug -> the source it was published for: the slugs that redirect, and those of
    removed pages) are taken too for a slug made from a file name, except for their own source: a URL that
    was handed out for one speech must never show another. The caller checks the overrides' slugs."""
    retired = retired or {}
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for rel in rels:  # sources that keep last run's slug go first
        prev = previous.get(rel)
        if prev and (rel not in wanted or wanted[rel] == prev) and prev not in taken:
            slugs[rel] = prev
            taken.add(prev)
    for rel in rels:
        if rel in slugs:
            continue
        slug = wanted.get(rel) or name_slug(rel)
        if slug in taken or (rel not in wanted and retired.get(slug, rel) != rel):
            slug = f"{slug}-{hashlib.sha1(rel.encode('utf-8')).hexdigest()[:6]}"
        slugs[rel] = slug
        taken.add(slug)
    return slugs


def slug_owner(slug: str, rel: str, slugs: dict[str, str]) -> str:
    """The other source whose page has `slug`, which `rel` asked for."""
    return next((other for other, other_slug in slugs.items() if other_slug == slug and other != rel), "")


def slug_refused(rel: str, slug: str, owner: str, used: str) -> Message:
    return warning(
        "slug-refused",
        f"{rel}: the slug {slug!r} was ignored: speeches/{slug}/ was published for {owner}, another "
        f"speech (it now redirects to that speech, or says it was removed), and a published URL is never "
        f"given to another speech. This page uses {used!r}; choose another slug.",
    )


def legacy_addresses(rels: list[str], wanted: dict[str, str], slugs: dict[str, str]) -> dict[str, str]:
    """File-name slug -> source, for each source whose slug now is another: the addresses the sources
    may have been published at before dated slugs, to be redirected (recorded as moved).

    Asked only in a run that remembers nothing (no converter memory, no ledger). Such a run is either an
    archive's first build, where nothing was published, or a rebuild of an archive that was published
    with file-name slugs and has since lost its memory (docs/ is build output: a fresh clone without a
    committed ledger, an expired CI cache). The converter cannot tell the two apart, and a broken URL costs
    more than an unneeded redirect, so it treats every such run as the second: a first build then leaves
    one small redirect page per date-named speech, and none after. Once anything is remembered, a source
    nothing remembers is new, published first with its dated slug, and gets no redirect. The old scheme's
    slugs are worked out as it did, over the same sources and overrides, so its clash suffixes match."""
    legacy = assign_slugs(rels, wanted, {}, file_name_slug)
    return {legacy[rel]: rel for rel in rels if legacy[rel] != slugs[rel]}


# --------------------------------------------------------------------------- running


def convert_tasks(tasks: list[Task], jobs: int) -> Iterator[Converted]:
    """Convert the tasks: the sources LibreOffice must read first, all in a few soffice calls (a
    start costs seconds, a file a fraction of one), then every source in the worker pool."""
    with tempfile.TemporaryDirectory(prefix="speech-archive-") as scratch:
        ready, failed = prepare_office_sources(tasks, jobs, Path(scratch))
        yield from failed
        yield from run_tasks(ready, jobs)


def prepare_office_sources(tasks: list[Task], jobs: int, scratch: Path) -> tuple[list[Task], list[Converted]]:
    """Give each .doc/.wps/.rtf/.odt task the .docx LibreOffice makes from it (inside `scratch`).
    Returns the tasks to run and the results of those LibreOffice could not convert."""
    kinds = {task.rel: office.needs_libreoffice(task.path) for task in tasks}
    wanted = [(task.path, kinds[task.rel]) for task in tasks if kinds[task.rel]]
    if not wanted:
        return tasks, []
    outcomes = libreoffice.convert_many(wanted, scratch, jobs)
    ready, failed = [], []
    for task in tasks:
        outcome = outcomes.get(task.path) if kinds[task.rel] else None
        if isinstance(outcome, ConversionError):
            failed.append(Converted(task.rel, task.slug, failed=True, messages=(outcome.message,)))
        else:
            ready.append(replace(task, prepared=outcome))
    return ready, failed


def run_tasks(
    tasks: list[Task],
    jobs: int,
    wall_limit: float | None = None,
    work: Callable[[Task], Converted] | None = None,
) -> Iterator[Converted]:
    """Convert in worker processes, where the resource limits apply (never to the caller).

    One source can never stop the others: a worker that runs past `wall_limit` seconds is killed
    and its source fails with 'too-slow'; when a worker dies (a crash, the memory limit), the
    sources that were running beside it are retried one at a time, so only the culprit fails.
    """
    wall_limit = safety.MAX_WALL_SECONDS_PER_SOURCE if wall_limit is None else wall_limit
    work = work or convert_and_release
    queue, suspects = deque(tasks), deque()
    while queue or suspects:
        alone = bool(suspects)
        source = suspects if alone else queue
        workers = 1 if alone else max(1, min(jobs, len(queue)))
        yield from _run_pool(source, workers, alone, suspects, wall_limit, work)


def start_worker(parent: int) -> None:
    """What a worker process does first: end with its parent, lower its resource limits, and freeze what
    it inherited.

    A worker starts as a copy of this process, with every module of the converter and its libraries
    loaded (50,000 objects), which live as long as it does. gc.freeze() takes them out of the cyclic
    collector's view, so a full collection (release_freed_memory, every RELEASE_EVERY sources, and the
    collector's own) goes through what the conversions left only: 30 ms each time before, ~0 after.

    Signals get their default action back: a worker inherits the CLI's SIGTERM handler, which would send
    the interrupt back to the main process as the result of a source. Killed by a signal, a worker dies
    like any other (its source fails with 'worker-died'); stopping the run is the main process's part,
    which stops the pool when Ctrl-C or SIGTERM reach it."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    safety.die_with_parent(parent)
    safety.limit_resources()
    gc.freeze()


RELEASE_EVERY = 25  # sources a worker converts between two releases of freed memory
_converted_here = 0  # sources this worker process has converted


def convert_and_release(task: Task) -> Converted:
    """What a worker does for one source: convert it, and every RELEASE_EVERY sources give the memory
    they freed back to the system (safety.release_freed_memory: without it a worker grows with every
    source it converts)."""
    global _converted_here
    try:
        return convert_task(task)
    finally:
        _converted_here += 1
        if _converted_here % RELEASE_EVERY == 0:
            safety.release_freed_memory()


def _run_pool(
    source: deque, workers: int, alone: bool, suspects: deque, wall_limit: float, work: Callable
) -> Iterator[Converted]:
    """Run tasks from `source` in one pool until it is empty, or the pool breaks or a task overruns."""
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker, initargs=(os.getpid(),))
    running: dict = {}  # future -> (task, started), started None while it waits in the pool's queue
    # A task queued ahead for each worker, so a worker starts its next source at once instead of idling
    # while this process writes the last one's files. Not when running suspects alone: a worker that
    # dies fails every task handed to its pool, and only the one it was converting may fail.
    in_flight = workers if alone else 2 * workers
    stuck = False
    try:
        while source or running:
            while source and len(running) < in_flight:
                task = source.popleft()
                running[pool.submit(work, task)] = (task, None)
            _start_clocks(running, workers)
            done, _ = wait(running, timeout=1.0, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task, _ = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    if alone:
                        yield _failed(task, "worker-died", WORKER_DIED)
                    else:
                        suspects.append(task)
            now = time.monotonic()
            overdue = [f for f, (_, started) in running.items() if started and now - started > wall_limit]
            for future in overdue:
                task, _ = running.pop(future)
                yield _failed(task, "too-slow", TOO_SLOW.format(seconds=wall_limit))
            stuck = stuck or bool(overdue)
            if broken or overdue:
                # The pool is unusable (or holds a stuck worker): hand back what was still running.
                source.extendleft(task for task, _ in reversed(list(running.values())))
                running.clear()
                return
    finally:
        _stop_pool(pool, kill=stuck or bool(running))


def _start_clocks(running: dict, workers: int) -> None:
    """Start the wall clock of the tasks the workers are converting: the pool takes tasks in the order
    they were handed in, so those are the first `workers` of `running` (insertion order). A clock starts
    when its task reaches them, at most one pass of the loop after it did in the pool."""
    now = time.monotonic()
    for future in list(running)[:workers]:
        task, started = running[future]
        if started is None:
            running[future] = (task, now)


def _stop_pool(pool: ProcessPoolExecutor, kill: bool) -> None:
    if kill:
        for process in list((pool._processes or {}).values()):  # no public API kills a stuck worker
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


WORKER_DIED = (
    "The conversion process stopped on this file; it is probably too large or too complex "
    "(see the limits in the README). Split it or save it in a simpler form."
)
TOO_SLOW = (
    "The conversion took more than {seconds:g} seconds, the limit for one source, and was stopped. "
    "Split the file or save it again from its original program."
)


def _failed(task: Task, code: str, text: str) -> Converted:
    return Converted(
        task.rel, task.slug, failed=True, messages=(Message("error", code, f"{task.rel}: {text}"),)
    )


def write_outputs(docs: Path, task: Task, result: Converted) -> list[str]:
    """Write a converted page, its original and its media; return their paths relative to DOCS."""
    written = []
    page_rel = f"speeches/{task.slug}.md"
    atomic_write(docs / page_rel, result.page, durable=False)  # save_state makes them durable
    written.append(page_rel)
    original_rel = f"originals/{original_name(task.slug, task.path)}"
    atomic_write(docs / original_rel, task.path.read_bytes(), durable=False)
    written.append(original_rel)
    for media in result.media:
        media_rel = f"media/{task.slug}/{media_file_name(media.name)}"
        atomic_write(docs / media_rel, media.data, durable=False)
        written.append(media_rel)
    return written


def convert_folder(
    sources: Path, docs: Path, options: Options, progress: Callable[[str, int, int], None] | None = None
) -> Report:
    """Convert every source under SOURCES into DOCS and return the report (also written by the CLI)."""
    started = time.monotonic()
    docs.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files(docs)
    overrides = load_overrides(sources)
    state = load_state(docs)
    ledger.remember(state, ledger.load_ledger(docs))  # URLs survive a lost docs/.speech-archive.json
    known = state["sources"]
    remembers_nothing = not known and not state.get("moved") and not state.get("gone")
    found, refused = find_sources(sources, docs, overrides.is_override_file)
    rels = [rel for rel, _ in found]

    digests = {rel: file_digest(path) for rel, path in found}
    renamed = adopt_renamed_sources(known, rels, digests)
    per_source = {rel: overrides.for_source(rel) for rel in rels}
    wanted = {rel: ov["slug"] for rel, (ov, _) in per_source.items() if ov.get("slug")}
    previous = {rel: s["slug"] for rel, s in known.items() if "slug" in s}
    moved = state.setdefault("moved", {})  # an old slug -> the source whose page now has another
    gone = state.setdefault("gone", {})  # the slug of a page a run removed -> the source it was
    follow_renames(moved, renamed)
    # The pages of sources gone since the last run are removed below; their slugs are not free either.
    present = set(rels)
    leaving = {
        record["slug"]: rel for rel, record in known.items() if rel not in present and "slug" in record
    }
    claims = {rel: ov["replaces"] for rel, (ov, _) in per_source.items() if ov.get("replaces")}
    retired = retired_slugs(moved, gone, claims, present)
    # An override may name the slug of a page this run removes (its source renamed and edited, the
    # catalog row following it): it is the same speech, by the user's word. Not one that now redirects
    # or was removed by an earlier run: that takes a `replaces` claim.
    refused_slugs = {rel: slug for rel, slug in wanted.items() if retired.get(slug, rel) != rel}
    wanted = {rel: slug for rel, slug in wanted.items() if rel not in refused_slugs}
    slugs = assign_slugs(rels, wanted, previous, retired={**leaving, **retired})
    claim_messages = claim_old_addresses(claims, slugs, retired, moved, gone)
    for rel, slug in refused_slugs.items():
        claim_messages.setdefault(rel, []).append(slug_refused(rel, slug, retired[slug], slugs[rel]))
    moved.update({old: rel for rel, old in previous.items() if rel in slugs and slugs[rel] != old})
    if remembers_nothing:
        moved.update(legacy_addresses(rels, wanted, slugs))

    entries: dict[str, Entry] = {}
    tasks: list[Task] = []
    fingerprints: dict[str, str] = {}
    for rel, path in found:
        ov, ov_messages = per_source[rel]
        fingerprints[rel] = _fingerprint(digests[rel], overrides.fingerprint(rel), slugs[rel])
        prev = known.get(rel)
        if (
            not options.force
            and prev
            and prev.get("fingerprint") == fingerprints[rel]
            and all((docs / o).is_file() for o in prev.get("outputs", []))
        ):
            entries[rel] = Entry(
                rel,
                "unchanged",
                prev.get("output"),
                [Message(**m) for m in prev.get("messages", [])],
                prev.get("repairs", {}),
            )
            continue
        slug_messages = claim_messages.get(rel, [])
        if rel in wanted and slugs[rel] != wanted[rel]:
            slug_messages.append(
                warning(
                    "slug-changed",
                    f"{rel}: the slug {wanted[rel]!r} is taken by another source "
                    f"({slug_owner(wanted[rel], rel, slugs)}); this page uses {slugs[rel]!r}.",
                )
            )
        entries[rel] = Entry(
            rel, "failed", None, list(ov_messages) + slug_messages, renamed_from=renamed.get(rel)
        )
        tasks.append(Task(path, rel, slugs[rel], ov))

    vanished = {
        rel: (known[rel]["slug"], page_identity(docs, known[rel])) for rel in known if rel not in entries
    }
    removed = _remove_deleted_sources(docs, known, set(rels))
    tasks_by_rel = {t.rel: t for t in tasks}
    saved = time.monotonic()
    for done, result in enumerate(convert_tasks(tasks, options.jobs), start=1):
        task = tasks_by_rel[result.rel]
        entry = entries[result.rel]
        entry.messages.extend(result.messages)
        entry.repairs = result.repairs
        if not result.failed:
            try:
                outputs = write_outputs(docs, task, result)
            except OSError as exc:
                entry.messages.append(Message("error", "write-failed", _write_error_text(docs, exc)))
            else:
                stale = [o for o in known.get(result.rel, {}).get("outputs", []) if o not in outputs]
                removed += remove_outputs(docs, stale)
                entry.status, entry.output = "converted", outputs[0]
                known[result.rel] = {
                    "fingerprint": fingerprints[result.rel],
                    "digest": digests[result.rel],
                    "slug": task.slug,
                    "output": outputs[0],
                    "outputs": outputs,
                    "messages": [m.as_dict() for m in entry.messages],
                    "repairs": entry.repairs,
                    **identity_fields(_identity(docs, result, outputs[0])),
                }
        # A source that fails keeps its record (and last good page) so a later deletion still cleans up;
        # its fingerprint no longer matches, so the next run tries it again.
        if progress:
            progress(result.rel, done, len(tasks))
        if time.monotonic() - saved >= SAVE_STATE_SECONDS:
            save_state(docs, state)
            saved = time.monotonic()
    edited = _edited_and_renamed(docs, vanished, [t.rel for t in tasks], known)
    follow_renames(moved, edited)
    # A page that kept its slug through the rename needs no redirect: resolve_redirects drops that one.
    moved.update({vanished[old][0]: new for new, old in edited.items()})
    current_slugs = page_slugs(known)
    removed_pages = {
        rel: slug
        for rel, (slug, _) in vanished.items()
        if rel not in edited.values() and slug not in moved and slug not in current_slugs
    }
    retire_removed_pages(removed_pages, moved, gone, known, present)
    state["redirects"] = resolve_redirects(moved, known)
    _complete_identities(docs, known)
    save_state(docs, state)
    messages = [m for _, m in refused if m.level == "warning"] + list(overrides.messages)
    messages += [page_removed(rel, slug) for rel, slug in removed_pages.items()]
    not_saved = ledger.save_ledger(docs, ledger.ledger_of(state))
    if not_saved:
        messages.append(not_saved)
    failed_here = [Entry(rel, "failed", None, [m]) for rel, m in refused if m.level == "error"]
    documents = sorted([entries[rel] for rel in rels] + failed_here, key=lambda e: e.source)
    return Report(documents, messages, removed, time.monotonic() - started)


def _fingerprint(digest: str, overrides_fingerprint: str, slug: str) -> str:
    h = hashlib.sha256()
    for part in (digest, overrides_fingerprint, slug, __version__):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


# --------------------------------------------------------------------------- URLs that stay


def adopt_renamed_sources(known: dict, rels: list[str], digests: dict[str, str]) -> dict[str, str]:
    """A source that vanished and a new one with the same content are one speech, renamed or moved:
    the new path takes over the old record, and with it the page's slug, so its URL does not change.
    Returns {new path: old path}."""
    present = set(rels)
    vanished = {rec["digest"]: rel for rel, rec in known.items() if rel not in present and rec.get("digest")}
    renamed = {}
    for rel in rels:
        old = vanished.pop(digests[rel], None) if rel not in known else None
        if old is not None:
            record = known.pop(old)
            record.pop("fingerprint", None)  # its page still names the old file: convert it again
            known[rel] = record
            renamed[rel] = old
    return renamed


def page_identity(docs: Path, record: dict) -> tuple[str, str] | None:
    """A converted page's (title, date), to recognise it under a new name: as remembered, or read from
    its front matter."""
    if record.get("title"):
        return record["title"], record.get("date", "")
    return read_page_identity(docs, record.get("output", ""))


def identity_fields(identity: tuple[str, str] | None) -> dict:
    return {"title": identity[0], "date": identity[1]} if identity else {}


def _complete_identities(docs: Path, known: dict) -> None:
    """Remember the title and date of pages converted before they were remembered (an older state)."""
    for record in known.values():
        if not record.get("title") and record.get("output"):
            record.update(identity_fields(read_page_identity(docs, record["output"])))


def _identity(docs: Path, result: Converted, output: str) -> tuple[str, str] | None:
    """The identity the worker read from the page it made, else (a `work` that does not say) the page's."""
    return result.identity if result.identity is not None else read_page_identity(docs, output)


def read_page_identity(docs: Path, output: str) -> tuple[str, str] | None:
    """A page's (title, date), read from its front matter."""
    if not output:
        return None
    try:
        text = (docs / output).read_text(encoding="utf-8")
        meta = yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n")) or {}
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return identity_of(meta)


def _edited_and_renamed(docs: Path, vanished: dict, converted: list[str], known: dict) -> dict[str, str]:
    """New source -> old source, for a vanished source (`vanished`: path -> (slug, identity)) whose page's
    title and date a newly converted page has: a source that was renamed and edited at once. Its old URL
    is then redirected."""
    by_identity = {identity: rel for rel, (_, identity) in vanished.items() if identity}
    found = {}
    for rel in converted:
        old = by_identity.get(page_identity(docs, known[rel])) if rel in known else None
        if old is not None:
            found[rel] = old
    return found


def follow_renames(moved: dict[str, str], renamed: dict[str, str]) -> None:
    """Point the old slugs of a renamed source (`renamed`: new path -> old path) at its new path, so the
    redirects its page left behind stay: resolve_redirects drops those of a source that is gone."""
    new_paths = {old: new for new, old in renamed.items()}
    for slug, rel in moved.items():
        moved[slug] = new_paths.get(rel, rel)


def page_slugs(known: dict) -> set[str]:
    """The slugs the remembered sources' pages have now."""
    return {record["slug"] for record in known.values() if "slug" in record}


def resolve_redirects(moved: dict[str, str], known: dict) -> dict[str, str]:
    """Old slug -> current slug of every page that moved, for the site to leave a redirect at the old
    URL. A redirect goes when a page takes the old slug again (its speech's, as no other may); one whose
    speech is deleted was made a "removed" notice (retire_removed_pages), and one whose speech has no
    page yet (it failed) waits for it."""
    current = page_slugs(known)
    for old in [old for old in moved if old in current]:
        del moved[old]
    return {old: known[rel]["slug"] for old, rel in sorted(moved.items()) if rel in known}


def retired_slugs(moved: dict, gone: dict, claims: dict[str, tuple], present: set[str]) -> dict[str, str]:
    """Old slug -> the source it was published for: every slug that redirects or belongs to a page an
    earlier run removed. A `replaces` claim takes over a slug whose speech is no longer here (a removed
    page's, a redirect of a deleted source, one nothing remembers); one that still redirects to a present
    speech stays that speech's."""
    retired = {**gone, **moved}
    for rel, olds in claims.items():
        for old in olds:
            if retired.get(old) not in present:
                retired[old] = rel
    return retired


def claim_old_addresses(
    claims: dict[str, tuple], slugs: dict[str, str], retired: dict[str, str], moved: dict, gone: dict
) -> dict[str, list[Message]]:
    """Redirect the old slugs each source `replaces` to its page (moved), unless the slug is another
    speech's page or old address; returns the warnings about claims refused, by source."""
    current = {slug: rel for rel, slug in slugs.items()}
    messages: dict[str, list[Message]] = {}
    for rel, olds in claims.items():
        for old in olds:
            owner = current.get(old, retired.get(old))
            if owner == rel and current.get(old) != rel:
                moved[old] = rel
                gone.pop(old, None)
            elif owner != rel:
                what = "the page" if old in current else "an old address"
                messages.setdefault(rel, []).append(
                    warning(
                        "replaces-refused",
                        f"{rel}: 'replaces: {old}' was ignored: speeches/{old}/ is {what} of {owner}, "
                        "another speech, and a published URL is never given to another speech.",
                    )
                )
    return messages


def retire_removed_pages(
    removed_pages: dict[str, str], moved: dict, gone: dict, known: dict, present: set[str]
) -> None:
    """Remember the slugs of pages this run removed (`removed_pages`: source -> slug), with the old
    slugs that redirected to a source that is gone: the site leaves a notice there that the speech was
    removed, and no other speech is ever given those URLs. A slug that is a page again (its source
    restored) is dropped. The old slugs of a source that is here but not converted yet (it failed) stay
    in `moved`, to redirect once it is."""
    gone.update({slug: rel for rel, slug in removed_pages.items()})
    for old in [old for old, owner in moved.items() if owner not in known and owner not in present]:
        gone[old] = moved.pop(old)
    current = page_slugs(known)
    for slug in [slug for slug in gone if slug in current or slug in moved]:
        del gone[slug]


def page_removed(rel: str, slug: str) -> Message:
    return warning(
        "page-removed",
        f"{rel}: the source is gone (deleted, or renamed and edited so that it was not recognised), so its "
        f"page speeches/{slug}/ was removed; that URL now shows a notice that the speech was removed. "
        f"If the speech is still in the archive under another file, add 'replaces: {slug}' to its sidecar "
        "or catalog row, so the old URL leads to it; or restore the source.",
    )


def _remove_deleted_sources(docs: Path, known: dict, present: set[str]) -> list[str]:
    removed = []
    for rel in [r for r in known if r not in present]:
        removed += remove_outputs(docs, known.pop(rel).get("outputs", []))
    return removed


def _write_error_text(docs: Path, exc: OSError) -> str:
    return (
        f"Could not write into {docs} ({exc.strerror or exc}). Check that the folder is writable and the "
        "disk is not full, then run the conversion again."
    )
