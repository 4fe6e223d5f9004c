"""The ledger of published URLs: DOCS/published-urls.json.

The converter's memory between runs (DOCS/.speech-archive.json) says which page each source became, so
that a renamed source keeps its URL and a page that moves leaves a redirect. But DOCS is build output: a
fresh checkout, or a CI cache that expired (GitHub drops caches unused for a week), starts without it,
and a source renamed since would then get a new URL and no redirect. The ledger keeps just what URLs need
(each source's slug, content digest, title and date, the slugs that moved, and those of removed pages) in one small file in DOCS
that is meant to be committed, like a lock file, while the rest of DOCS is not (.gitignore). A run reads
both and writes the ledger back when it changed. It sits in DOCS, not beside the sources, because the
converter writes nowhere else; mkdocs.yml keeps it out of the published site.
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
    "that redirect. Commit this file, so that addresses never change, even when the rest of docs/ "
    "(the converter's output and memory) is lost."
)
IDENTITY_FIELDS = ("slug", "digest", "title", "date")


def load_ledger(docs: Path) -> dict:
    """{"speeches": {source path: {slug, digest, title, date}}, "moved": {old slug: source path},
    "gone": {slug of a removed page: its source path}};
    empty when there is no ledger or it cannot be read (the converter's memory still applies)."""
    try:
        data = json.loads((docs / LEDGER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict) or data.get("version") != LEDGER_VERSION:
        data = {}
    speeches = data.get("speeches") if isinstance(data.get("speeches"), dict) else {}
    moved = data.get("moved") if isinstance(data.get("moved"), dict) else {}
    gone = data.get("gone") if isinstance(data.get("gone"), dict) else {}
    return {
        "speeches": {
            rel: {k: str(v[k]) for k in IDENTITY_FIELDS if isinstance(v, dict) and v.get(k)}
            for rel, v in speeches.items()
            if isinstance(v, dict) and isinstance(v.get("slug"), str) and v["slug"]
        },
        "moved": _slug_to_source(moved),
        "gone": _slug_to_source(gone),
    }


def _slug_to_source(mapping: dict) -> dict[str, str]:
    return {slug: rel for slug, rel in mapping.items() if isinstance(slug, str) and isinstance(rel, str)}


def remember(state: dict, ledger: dict) -> None:
    """Add what the ledger knows and the converter's memory does not: a source it has no record of gets
    one without a fingerprint (so it is converted, keeping its slug), and the ledger's moved slugs and
    removed pages' slugs join the memory's."""
    known = state["sources"]
    taken = {r.get("slug") for r in known.values()}
    for rel, record in ledger["speeches"].items():
        if rel not in known and record["slug"] not in taken:
            known[rel] = dict(record)
            taken.add(record["slug"])
    for key in ("moved", "gone"):
        kept = state.setdefault(key, {})
        for old, rel in ledger[key].items():
            kept.setdefault(old, rel)


def ledger_of(state: dict) -> dict:
    """The ledger that the converter's memory implies."""
    return {
        "speeches": {
            rel: {k: record[k] for k in IDENTITY_FIELDS if record.get(k)}
            for rel, record in sorted(state["sources"].items())
            if record.get("slug")
        },
        "moved": dict(sorted(state.get("moved", {}).items())),
        # Only when a page was ever removed, so the ledgers of archives that never removed one stay as
        # they were.
        **({"gone": dict(sorted(state["gone"].items()))} if state.get("gone") else {}),
    }


def save_ledger(docs: Path, ledger: dict) -> Message | None:
    """Write the ledger when it changed: when a source was added, edited, renamed or deleted (an
    unchanged file keeps its bytes, so version control sees no change). Returns a warning when it cannot be written: the site is still built."""
    text = (
        json.dumps({"version": LEDGER_VERSION, "note": _NOTE, **ledger}, ensure_ascii=False, indent=1) + "\n"
    )
    path = docs / LEDGER_FILE
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return None
        atomic_write(path, text)
    except OSError as exc:
        return warning(
            "urls-not-saved",
            f"{path}: could not write the ledger of published URLs ({exc.strerror or exc}). Pages keep "
            "their URLs while the converter's memory in the docs folder lasts; make the file writable "
            "and run the conversion again to keep them for good.",
        )
    return None
