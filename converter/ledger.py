"""The ledger of published URLs: SOURCES/published-urls.json.

The converter's memory between runs (DOCS/.speech-archive.json) says which page each source became, so
that a renamed source keeps its URL and a page that moves leaves a redirect. But DOCS is build output: a
fresh checkout, or a CI cache that expired (GitHub drops caches unused for a week), starts without it,
and a source renamed since would then get a new URL and no redirect. The ledger keeps just what URLs need
(each source's slug, content digest, title and date, and the slugs that moved) beside the sources, in a
small file meant to be committed with them, like a lock file. A run reads both and writes the ledger back
when it changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from .model import Message, warning
from .safety import atomic_write

LEDGER_FILE = "published-urls.json"
LEDGER_VERSION = 1
_NOTE = (
    "Written by speech-archive: the address (slug) of every published speech and the old addresses "
    "that redirect. Commit this file with the sources, so that addresses never change, even when the "
    "converter's memory in docs/ is lost."
)
IDENTITY_FIELDS = ("slug", "digest", "title", "date")


def is_ledger(rel: str) -> bool:
    """Whether a path relative to SOURCES is the ledger (which is not a source)."""
    return rel == LEDGER_FILE


def load_ledger(sources: Path) -> dict:
    """{"speeches": {source path: {slug, digest, title, date}}, "moved": {old slug: source path}};
    empty when there is no ledger or it cannot be read (the converter's memory still applies)."""
    try:
        data = json.loads((sources / LEDGER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
        data = {}
    speeches = data.get("speeches") if isinstance(data.get("speeches"), dict) else {}
    moved = data.get("moved") if isinstance(data.get("moved"), dict) else {}
    return {
        "speeches": {
            rel: {k: str(v[k]) for k in IDENTITY_FIELDS if isinstance(v, dict) and v.get(k)}
            for rel, v in speeches.items()
            if isinstance(v, dict) and isinstance(v.get("slug"), str) and v["slug"]
        },
        "moved": {old: rel for old, rel in moved.items() if isinstance(old, str) and isinstance(rel, str)},
    }


def remember(state: dict, ledger: dict) -> None:
    """Add what the ledger knows and the converter's memory does not: a source it has no record of gets
    one without a fingerprint (so it is converted, keeping its slug), and the ledger's moved slugs join
    the memory's."""
    known = state["sources"]
    taken = {r.get("slug") for r in known.values()}
    for rel, record in ledger["speeches"].items():
        if rel not in known and record["slug"] not in taken:
            known[rel] = dict(record)
            taken.add(record["slug"])
    moved = state.setdefault("moved", {})
    for old, rel in ledger["moved"].items():
        moved.setdefault(old, rel)


def ledger_of(state: dict) -> dict:
    """The ledger that the converter's memory implies."""
    return {
        "speeches": {
            rel: {k: record[k] for k in IDENTITY_FIELDS if record.get(k)}
            for rel, record in sorted(state["sources"].items())
            if record.get("slug")
        },
        "moved": dict(sorted(state.get("moved", {}).items())),
    }


def save_ledger(sources: Path, ledger: dict) -> Message | None:
    """Write the ledger when it changed (an unchanged file keeps its bytes, so version control sees no
    change). Returns a warning when SOURCES cannot be written: the site is still built."""
    text = (
        json.dumps({"version": LEDGER_VERSION, "note": _NOTE, **ledger}, ensure_ascii=False, indent=1) + "\n"
    )
    path = sources / LEDGER_FILE
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return None
        atomic_write(path, text)
    except OSError as exc:
        return warning(
            "urls-not-saved",
            f"{path}: could not write the ledger of published URLs ({exc.strerror or exc}). Pages keep "
            "their URLs while the converter's memory in the docs folder lasts; make the sources folder "
            "writable and run the conversion again to keep them for good.",
        )
    return None
