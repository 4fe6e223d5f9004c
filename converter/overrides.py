"""A user's corrections to a speech's metadata: sidecar files and catalog.csv, validated.

Two places can override the fields the converter finds itself:

- a sidecar `NAME.yml` (or `NAME.yaml`; `NAME.YML` too) beside the source `NAME.docx` / `NAME.html` /
  `NAME.txt`, a YAML mapping of fields (`title: ...`, `date: 2023-04-19`, `tags: [工业, 经济]`). It applies
  to every source in that folder whose name without extension is NAME.
- `catalog.csv` at the top of SOURCES, one row per source: a column `file` (the path relative to SOURCES)
  and one column per field. Empty cells set nothing; `tags` are separated by `;` or `；`.

Overrides win over everything the converter finds. When both set a field for the same source, the
sidecar wins (it sits beside the file, so it is the more specific of the two); fields that only the
catalog sets still apply.

Fields: title, date, speaker, event, location, language, tags, summary, source_name, source_url, slug,
replaces (old addresses of the speech that should redirect to it: see batch.claim_old_addresses).
Everything is checked: YAML is read with `yaml.safe_load` rules only (a `!!python/...` tag is reported,
never executed), values must have the right type, dates are YYYY-MM-DD, YYYY-MM or YYYY (2023/4/19 and
2023年4月19日 are normalised to 2023-04-19), slugs use only a-z, 0-9 and `-`, URLs are http(s), and catalog
paths must name a file inside SOURCES. A value that fails is dropped with a message; the rest apply.

Message codes (all warnings):
  - override-bad-yaml: a sidecar is not valid YAML, not a mapping, or too large.
  - override-unsafe-yaml: a sidecar uses a YAML tag that could run code or build objects (ignored).
  - override-unknown-field: a sidecar key or catalog column is not a field (ignored).
  - override-bad-value: a field has the wrong type or an invalid value (that field ignored).
  - override-orphan-sidecar: a NAME.yml sits beside no source named NAME.
  - override-unreadable: a sidecar or catalog.csv cannot be read.
  - catalog-bad-csv: catalog.csv cannot be parsed, has no `file` column, or is not UTF-8.
  - catalog-bad-path: a `file` value is empty, absolute, or leads outside SOURCES (row ignored).
  - catalog-missing-file: a `file` value names no source file (row ignored).
  - catalog-duplicate-row: a second row for the same file (the later row ignored).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from .dates import normalize_date
from .model import METADATA_FIELDS, OVERRIDE_ONLY_FIELDS, Message, warning
from .readers import READERS
from .safety import printable

TEXT_FIELDS = ("title", "speaker", "event", "location", "summary", "source_name")
FIELDS = (*METADATA_FIELDS, *OVERRIDE_ONLY_FIELDS)
SIDECAR_SUFFIXES = (".yml", ".yaml")
CATALOG_NAME = "catalog.csv"
# The extensions a source may have: whatever the readers read (the registry in readers/__init__.py).
SOURCE_SUFFIXES = tuple(READERS)

# A sidecar or catalog larger than this is not a hand-written list of fields; reading it is refused.
MAX_SIDECAR_BYTES = 1024 * 1024
MAX_CATALOG_BYTES = 32 * 1024 * 1024
# A summary is a paragraph; other text fields are a line.
MAX_TEXT_LENGTH = {"summary": 2000}
MAX_LINE_LENGTH = 500
MAX_SLUG_LENGTH = 100
# Slugs no speech may have, whoever asks: speeches/index.md would be published as the folder's own page
# (speeches/), not as a speech of its own. The converter gives a file named index.* another slug.
RESERVED_SLUGS = frozenset({"index"})

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")
_LANGUAGE_RE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_TAG_SPLIT_RE = re.compile(r"[;；]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


# --------------------------------------------------------------------------- validation


def validate_fields(values: dict, where: str) -> tuple[dict, list[Message]]:
    """Check raw field values (from YAML or a CSV row) and return (valid fields, messages).

    `where` names the origin in messages ("speech.yml", "catalog.csv line 4"). None and empty strings
    set nothing. Values come back typed as in `Metadata`: strings, and `tags` as a tuple.
    """
    fields: dict = {}
    messages: list[Message] = []
    for key, value in values.items():
        name = str(key).strip().lower() if isinstance(key, str) else key
        if name not in FIELDS:
            messages.append(_unknown_field(where, key))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            fields[name] = _VALIDATORS[name](value)
        except ValueError as exc:
            messages.append(
                warning(
                    "override-bad-value", f"{where}: field '{name}' {exc}; the field was ignored. Fix it."
                )
            )
    return fields, messages


def _unknown_field(where: str, key) -> Message:
    shown = _short(key)
    close = difflib.get_close_matches(str(key).lower(), FIELDS, n=1) if isinstance(key, str) else []
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return warning(
        "override-unknown-field",
        f"{where}: unknown field {shown} was ignored.{hint} Fields that can be set: {', '.join(FIELDS)}.",
    )


def _short(value, limit: int = 60) -> str:
    """A value for a message: short, one line, never the repr of a huge structure."""
    if isinstance(value, str):
        text = value if len(value) <= limit else value[:limit] + "…"
        return repr(text)
    if isinstance(value, (int, float, bool, dt.date)):
        return repr(value)
    return f"a {_type_name(value)}"


def _type_name(value) -> str:
    names = {bool: "true/false", int: "number", float: "number", list: "list", dict: "mapping", str: "text"}
    return names.get(type(value), type(value).__name__)


def _text(value, name: str = "") -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {_type_name(value)} {_short(value)} (put it in quotes)")
    if _CONTROL_RE.search(value):
        raise ValueError("contains control characters")
    limit = MAX_TEXT_LENGTH.get(name, MAX_LINE_LENGTH)
    text = " ".join(value.split())
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    return text


def _text_field(name: str):
    return lambda value: _text(value, name)


def _tags(value) -> tuple[str, ...]:
    if isinstance(value, str):
        items = _TAG_SPLIT_RE.split(value)
    elif isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            raise ValueError("must be a list of texts (put numbers and yes/no in quotes)")
        items = value
    else:
        raise ValueError(
            f"must be a list like [工业, 经济] or text separated by ';', not {_type_name(value)}"
        )
    tags: list[str] = []
    for item in items:
        tag = _text(item)
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _slug(value) -> str:
    if (
        not isinstance(value, str)
        or not _SLUG_RE.fullmatch(value.strip())
        or len(value.strip()) > MAX_SLUG_LENGTH
    ):
        raise ValueError(
            f"{_short(value)} is not a slug: use only lowercase a-z, digits 0-9 and '-' (not at either end), "
            f"at most {MAX_SLUG_LENGTH} characters, e.g. 2023-industry-meeting"
        )
    if value.strip() in RESERVED_SLUGS:
        raise ValueError(
            f"{_short(value)} is reserved: the page would be published as the speeches folder's own page, "
            "not as a speech; choose another slug"
        )
    return value.strip()


def _replaces(value) -> tuple[str, ...]:
    """The old addresses (slugs) a speech claims: one slug, a list, or slugs separated by ';'."""
    if isinstance(value, str):
        items = [item.strip() for item in _TAG_SPLIT_RE.split(value) if item.strip()]
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError(f"must be a slug or a list of slugs like [old-slug], not {_type_name(value)}")
    slugs: list[str] = []
    for item in items:
        slug = _slug(item)
        if slug not in slugs:
            slugs.append(slug)
    return tuple(slugs)


def _language(value) -> str:
    if not isinstance(value, str) or not _LANGUAGE_RE.fullmatch(value.strip()):
        raise ValueError(f"{_short(value)} is not a language code; write e.g. zh, en or zh-Hant")
    primary, *rest = value.strip().split("-")
    return "-".join([primary.lower(), *rest])


def _url(value) -> str:
    text = _text(value)
    if not re.fullmatch(r"https?://[^\s<>\"'`]+", text, flags=re.IGNORECASE):
        raise ValueError(f"{_short(value)} is not a web address; write a full http:// or https:// URL")
    return text


def _title(value) -> str:
    text = _text(value, "title")
    if not text:
        raise ValueError("is empty")
    return text


_VALIDATORS = {
    **{name: _text_field(name) for name in TEXT_FIELDS},
    "title": _title,
    "date": normalize_date,
    "tags": _tags,
    "slug": _slug,
    "replaces": _replaces,
    "language": _language,
    "source_url": _url,
}


# --------------------------------------------------------------------------- sidecars


class _StrictLoader(yaml.SafeLoader):
    """safe_load rules, plus: no aliases (no billion-laughs), and duplicate keys are noticed."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a sidecar", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key_node, deep=deep) for key_node, _ in node.value]
        hashable = [k for k in keys if isinstance(k, (str, int, float, bool)) or k is None]
        self.duplicate_keys = getattr(self, "duplicate_keys", [])
        self.duplicate_keys += sorted({str(k) for k in hashable if hashable.count(k) > 1})
        return super().construct_mapping(node, deep=deep)


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    """A YAML date that does not exist (2023-02-30) stays text, so validation can say what is wrong."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def parse_sidecar(data: bytes, where: str) -> tuple[dict, list[Message]]:
    """The validated fields of a sidecar's bytes, and messages for everything wrong with it."""
    if len(data) > MAX_SIDECAR_BYTES:
        return {}, [
            warning(
                "override-bad-yaml",
                f"{where}: larger than {MAX_SIDECAR_BYTES // 1024} KB; "
                "a sidecar holds a few fields. The file was ignored.",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, [
            warning("override-bad-yaml", f"{where}: not UTF-8 text; save it as UTF-8. The file was ignored.")
        ]
    loader = None
    try:
        loader = _StrictLoader(text)
        value = loader.get_single_data()
    except yaml.constructor.ConstructorError as exc:
        if exc.problem and "constructor for the tag" in exc.problem:
            return {}, [
                warning(
                    "override-unsafe-yaml",
                    f"{where}: uses a YAML tag that is not allowed "
                    f"({_yaml_where(exc)}{exc.problem}); only plain values, lists and mappings are "
                    "read, and tags are never run. Remove the tag. The file was ignored.",
                )
            ]
        return {}, [_bad_yaml(where, exc)]
    except yaml.YAMLError as exc:
        return {}, [_bad_yaml(where, exc)]
    finally:
        if loader is not None:
            loader.dispose()
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [
            warning(
                "override-bad-yaml",
                f"{where}: must be a list of 'field: value' lines, not "
                f"{_type_name(value)}. The file was ignored.",
            )
        ]
    messages = [
        warning(
            "override-bad-yaml", f"{where}: field '{k}' is set twice; the last value is used. Remove one."
        )
        for k in getattr(loader, "duplicate_keys", [])
    ]
    fields, field_messages = validate_fields(value, where)
    return fields, messages + field_messages


def _yaml_where(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    return f"line {mark.line + 1}: " if mark else ""


def _bad_yaml(where: str, exc: yaml.YAMLError) -> Message:
    if isinstance(exc, yaml.MarkedYAMLError):
        detail = f"{_yaml_where(exc)}{exc.problem or exc.context}"
    else:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return warning("override-bad-yaml", f"{where}: not valid YAML ({detail}). Fix it; the file was ignored.")


# --------------------------------------------------------------------------- catalog


@dataclass
class _Row:
    line: int
    raw: dict
    fields: dict
    messages: list[Message]


def _read_catalog(sources: Path) -> tuple[dict[str, _Row], list[Message]]:
    """Rows of SOURCES/catalog.csv keyed by the source path they name, and catalog-wide messages."""
    path = _find_catalog(sources)
    if path is None:
        return {}, []
    where = path.name
    try:
        if path.stat().st_size > MAX_CATALOG_BYTES:
            return {}, [
                warning(
                    "catalog-bad-csv",
                    f"{where}: larger than {MAX_CATALOG_BYTES // 2**20} MB; the catalog was ignored.",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return {}, [
            warning(
                "override-unreadable", f"{where}: cannot be read ({exc.strerror}); the catalog was ignored."
            )
        ]
    messages: list[Message] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return {}, [
                warning(
                    "catalog-bad-csv",
                    f"{where}: not UTF-8 text; save it as 'CSV UTF-8'. The catalog was ignored.",
                )
            ]
        messages.append(
            warning(
                "catalog-bad-csv",
                f"{where}: not UTF-8; it was read as GB18030. Save it as "
                "'CSV UTF-8' to be sure every name is read right.",
            )
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return {}, messages + [
            warning("catalog-bad-csv", f"{where}: cannot be read as CSV ({exc}); the catalog was ignored.")
        ]
    return _catalog_rows(sources, where, rows, messages)


def _find_catalog(sources: Path) -> Path | None:
    try:
        names = os.listdir(sources)
    except OSError:
        return None
    for name in sorted(names):
        if name.lower() == CATALOG_NAME and (sources / name).is_file():
            return sources / name
    return None


def _catalog_rows(sources: Path, where: str, rows: list[list[str]], messages: list[Message]):
    if not rows:
        return {}, messages
    header = [cell.strip().lower() for cell in rows[0]]
    if "file" not in header:
        return {}, messages + [
            warning(
                "catalog-bad-csv",
                f"{where}: the first row must name the columns, one of them 'file'; the catalog was ignored.",
            )
        ]
    for name in sorted({h for h in header if h and h != "file" and h not in FIELDS}):
        messages.append(_unknown_field(f"{where} column", name))
    for name in sorted({h for h in header if h and header.count(h) > 1}):
        messages.append(
            warning(
                "catalog-bad-csv",
                f"{where}: column '{name}' appears twice; only the last is used. Remove one.",
            )
        )
    result: dict[str, _Row] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            messages.append(
                warning(
                    "catalog-bad-csv",
                    f"{where} line {number}: more cells than columns; the "
                    "extra cells were ignored. Check for a ',' that should be in quotes.",
                )
            )
        swallowed = _swallowed_rows(sources, cells)
        if swallowed:
            messages.append(
                warning(
                    "catalog-bad-csv",
                    f"{where} row {number}: a cell runs over several lines and holds what reads as the row of "
                    f'{", ".join(map(repr, swallowed))}, which was not read as a row: a quote (") is probably '
                    "not closed. Close it and convert again.",
                )
            )
        raw = {h: c for h, c in zip(header, cells, strict=False) if h}
        rel, problem = _catalog_source(sources, raw.get("file", ""), f"{where} line {number}")
        if problem:
            messages.append(problem)
            continue
        if rel in result:
            messages.append(
                warning(
                    "catalog-duplicate-row",
                    f"{where} line {number}: field 'file' names "
                    f"{rel!r} again (first on line {result[rel].line}); this row was ignored. "
                    "Merge the two rows.",
                )
            )
            continue
        values = {h: c for h, c in raw.items() if h != "file" and h in FIELDS}
        fields, row_messages = validate_fields(values, f"{where} line {number} ({rel})")
        result[rel] = _Row(number, values, fields, row_messages)
    return result, messages


def _swallowed_rows(sources: Path, cells: list[str]) -> list[str]:
    """Source files named at the start of a line inside a multi-line cell, before a comma: the rows that an
    unclosed quote took into one cell (a cell may hold line breaks; one that holds a row is a mistake)."""
    found = []
    for cell in cells:
        for line in cell.splitlines()[1:]:
            name = line.split(",", 1)[0].strip().strip('"')
            pure = PurePosixPath(name.replace("\\", "/"))
            inside = name and not pure.is_absolute() and ".." not in pure.parts
            if "," in line and inside and (sources / pure).is_file():
                found.append(name)
    return found


def _catalog_source(sources: Path, value: str, where: str) -> tuple[str, Message | None]:
    """The source path a catalog `file` cell names, relative to SOURCES, or a message saying why not."""
    text = value.strip().replace("\\", "/")
    if not text:
        return "", warning(
            "catalog-bad-path",
            f"{where}: field 'file' is empty; the row was ignored. Write the "
            "source's path relative to the SOURCES folder.",
        )
    shown = _short(value)
    pure = PurePosixPath(text)
    if pure.is_absolute() or re.match(r"[A-Za-z]:", text) or _CONTROL_RE.search(text):
        return "", warning(
            "catalog-bad-path",
            f"{where}: field 'file' {shown} is an absolute path; the row was "
            "ignored. Write the path relative to the SOURCES folder (e.g. 2023/talk.docx).",
        )
    if ".." in pure.parts:
        return "", warning(
            "catalog-bad-path",
            f"{where}: field 'file' {shown} leads outside the SOURCES folder; "
            "the row was ignored. Write a path inside SOURCES.",
        )
    rel = PurePosixPath(*[p for p in pure.parts if p != "."]).as_posix()
    root = sources.resolve()
    found = _existing(sources, rel)
    if found is None:
        return "", warning(
            "catalog-missing-file",
            f"{where}: field 'file' {shown} names no file in SOURCES; the "
            "row was ignored. Check the spelling and folder, or remove the row.",
        )
    if root not in (sources / found).resolve().parents:
        return "", warning(
            "catalog-bad-path",
            f"{where}: field 'file' {shown} is a link that leads outside the "
            "SOURCES folder; the row was ignored.",
        )
    if is_override_file(found):
        return "", warning(
            "catalog-bad-path",
            f"{where}: field 'file' {shown} is a sidecar or the catalog, not a source; the row was ignored.",
        )
    return found, None


def _existing(sources: Path, rel: str) -> str | None:
    """`rel` as spelled on disk, allowing for NFC/NFD differences (files copied from a Mac)."""
    if (sources / rel).is_file():
        return rel
    parts: list[str] = []
    folder = sources
    for part in PurePosixPath(rel).parts:
        wanted = unicodedata.normalize("NFC", part)
        try:
            match = next(
                (n for n in sorted(os.listdir(folder)) if unicodedata.normalize("NFC", n) == wanted), None
            )
        except OSError:
            return None
        if match is None:
            return None
        parts.append(match)
        folder = folder / match
    return "/".join(parts) if folder.is_file() else None


# --------------------------------------------------------------------------- the interface


def is_override_file(rel: str) -> bool:
    """True for sidecars (*.yml, *.yaml) and the top-level catalog.csv: they are never sources."""
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.suffix.lower() in SIDECAR_SUFFIXES:
        return True
    return len(pure.parts) == 1 and pure.name.lower() == CATALOG_NAME


@dataclass
class Overrides:
    """Every override under one SOURCES folder. Build it with `load_overrides`."""

    sources: Path
    catalog: dict[str, _Row] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    _sidecars: dict[str, tuple[dict, list[Message], str]] = field(default_factory=dict, repr=False)
    _folders: dict[PurePosixPath, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    def for_source(self, rel: str) -> tuple[dict, list[Message]]:
        """The validated override fields for the source at `rel` (relative to SOURCES, '/'-separated)
        and the messages about them. A sidecar's field wins over the catalog's."""
        row = self.catalog.get(rel)
        fields = dict(row.fields) if row else {}
        messages = list(row.messages) if row else []
        side_fields, side_messages, _ = self._sidecar(rel)
        fields.update(side_fields)
        return fields, messages + side_messages

    def fingerprint(self, rel: str) -> str:
        """A digest of everything that overrides `rel`; '' when nothing does. Changes when they change."""
        row = self.catalog.get(rel)
        _, _, sidecar_digest = self._sidecar(rel)
        if row is None and not sidecar_digest:
            return ""
        payload = json.dumps(
            {"catalog": row.raw if row else None, "sidecar": sidecar_digest},
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def is_override_file(self, rel: str) -> bool:
        return is_override_file(rel)

    def _sidecar(self, rel: str) -> tuple[dict, list[Message], str]:
        if rel not in self._sidecars:
            self._sidecars[rel] = self._load_sidecar(rel)
        return self._sidecars[rel]

    def _sidecar_names(self, folder: PurePosixPath) -> dict[str, list[str]]:
        """The sidecars in a folder of SOURCES by the stem they are for, .yml before .yaml. The extension
        is matched in any case (NAME.YML from a Windows or DOS tool), as `is_override_file` matches it."""
        if folder not in self._folders:
            try:
                names = os.listdir(self.sources / folder)
            except OSError:
                names = []
            sidecars: dict[str, list[str]] = {}
            for name in names:
                stem, suffix = os.path.splitext(name)
                if suffix.lower() in SIDECAR_SUFFIXES and (self.sources / folder / name).is_file():
                    sidecars.setdefault(stem, []).append(name)
            for found in sidecars.values():
                found.sort(key=lambda name: (SIDECAR_SUFFIXES.index(os.path.splitext(name)[1].lower()), name))
            self._folders[folder] = sidecars
        return self._folders[folder]

    def _load_sidecar(self, rel: str) -> tuple[dict, list[Message], str]:
        pure = PurePosixPath(rel)
        names = self._sidecar_names(pure.parent).get(pure.stem, []) if pure.suffix else []
        present = [pure.parent / name for name in names]
        if not present:
            return {}, [], ""
        chosen = present[0].as_posix()
        messages = []
        if len(present) > 1:
            messages.append(
                warning(
                    "override-bad-yaml",
                    f"{present[1].as_posix()}: {chosen} is used instead, "
                    "for the same source; merge them into one file.",
                )
            )
        path = self.sources / chosen
        if self.sources.resolve() not in path.resolve().parents:
            return (
                {},
                messages
                + [
                    warning(
                        "override-unreadable",
                        f"{chosen}: a link that leads outside the SOURCES folder; it was ignored.",
                    )
                ],
                "",
            )
        try:
            data = (
                path.read_bytes()
                if path.stat().st_size <= MAX_SIDECAR_BYTES
                else b" " * (MAX_SIDECAR_BYTES + 1)
            )
        except OSError as exc:
            return (
                {},
                messages
                + [
                    warning(
                        "override-unreadable", f"{chosen}: cannot be read ({exc.strerror}); it was ignored."
                    )
                ],
                "",
            )
        fields, parse_messages = parse_sidecar(data, chosen)
        digest = hashlib.sha256(chosen.encode("utf-8") + b"\0" + data).hexdigest()
        return fields, messages + parse_messages, digest


def load_overrides(sources: Path) -> Overrides:
    """Read SOURCES/catalog.csv (now) and find the sidecars (read when a source asks for them).

    Problems not tied to one source (a catalog row naming a missing file, a sidecar beside no source)
    are in `Overrides.messages`; those about one source's fields come back from `for_source`.
    """
    sources = Path(sources)
    catalog, messages = _read_catalog(sources)
    messages += _orphan_sidecars(sources)
    return Overrides(sources, catalog, messages)


def _orphan_sidecars(sources: Path) -> list[Message]:
    messages = []
    for root, dirs, files in os.walk(sources):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        stems = {os.path.splitext(f)[0] for f in files if os.path.splitext(f)[1].lower() in SOURCE_SUFFIXES}
        for name in sorted(files):
            stem, suffix = os.path.splitext(name)
            if suffix.lower() in SIDECAR_SUFFIXES and not name.startswith(".") and stem not in stems:
                rel = printable((Path(root) / name).relative_to(sources).as_posix())
                kinds = ", ".join(SOURCE_SUFFIXES)
                messages.append(
                    warning(
                        "override-orphan-sidecar",
                        f"{rel}: no source named {printable(stem)} ({kinds}) sits beside it, "
                        "so it overrides nothing. Rename it to match its source.",
                    )
                )
    return messages
