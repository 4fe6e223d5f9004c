"""converter.overrides: sidecars and catalog.csv are validated field by field; bad input is reported, never run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from converter import overrides
from converter.overrides import load_overrides


def _codes(messages) -> list[str]:
    return [m.code for m in messages]


def _sources(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "sources"
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def _sidecar(tmp_path: Path, yaml_text: str | bytes, name: str = "talk") -> tuple[dict, list]:
    root = _sources(tmp_path, {f"{name}.txt": "讲话", f"{name}.yml": yaml_text})
    loaded = load_overrides(root)
    assert loaded.messages == []
    return loaded.for_source(f"{name}.txt")


# --------------------------------------------------------------------------- sidecars: good values

GOOD_SIDECARS = [
    ("title: 在全县工业经济发展推进会上的讲话", {"title": "在全县工业经济发展推进会上的讲话"}),
    ("title: '  spaced \t out  '", {"title": "spaced out"}),
    ("date: 2023-04-19", {"date": "2023-04-19"}),
    ("date: '2023-04-19'", {"date": "2023-04-19"}),
    ("date: 2023/4/19", {"date": "2023-04-19"}),
    ("date: 2023年4月19日", {"date": "2023-04-19"}),
    ("date: ２０２３年４月１９日", {"date": "2023-04-19"}),
    ("date: 2023-4", {"date": "2023-04"}),
    ("date: 2023年4月", {"date": "2023-04"}),
    ("date: 2023", {"date": "2023"}),
    ("date: 2023-04-19 10:30:00", {"date": "2023-04-19"}),
    ("tags: [工业, 经济]", {"tags": ("工业", "经济")}),
    ("tags: 工业; 经济；工业", {"tags": ("工业", "经济")}),
    ("tags: []", {"tags": ()}),
    (
        "speaker: 张三\nevent: 推进会\nlocation: 县政府",
        {"speaker": "张三", "event": "推进会", "location": "县政府"},
    ),
    ("language: EN", {"language": "en"}),
    ("language: zh-Hant", {"language": "zh-Hant"}),
    ("source_url: https://www.example.gov.cn/a.html", {"source_url": "https://www.example.gov.cn/a.html"}),
    ("source_name: 县人民政府门户网站", {"source_name": "县人民政府门户网站"}),
    ("slug: 2023-industry-meeting", {"slug": "2023-industry-meeting"}),
    ("replaces: old-address", {"replaces": ("old-address",)}),
    ("replaces: [old-a, old-b, old-a]", {"replaces": ("old-a", "old-b")}),
    ("Title: 大写的键", {"title": "大写的键"}),
    ("speaker:\nevent: ''", {}),
    ("", {}),
    ("# only a comment\n", {}),
    ("\ufefftitle: with a BOM", {"title": "with a BOM"}),
    ("summary: |\n  第一行\n  第二行\n", {"summary": "第一行 第二行"}),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_SIDECARS, ids=[g[0][:30] for g in GOOD_SIDECARS])
def test_good_sidecar(tmp_path, text, expected):
    fields, messages = _sidecar(tmp_path, text)
    assert messages == []
    assert fields == expected


# --------------------------------------------------------------------------- sidecars: bad values

BAD_SIDECARS = [
    # unsafe tags: reported, never run (the payload would create a file if it ran)
    ("title: !!python/object/apply:os.system ['touch PWNED']", "override-unsafe-yaml", None),
    ("!!python/object:builtins.dict {title: x}", "override-unsafe-yaml", None),
    ("title: !!python/name:os.system", "override-unsafe-yaml", None),
    ("title: !custom x", "override-unsafe-yaml", None),
    # not YAML, not a mapping, tricks
    ("title: [unclosed", "override-bad-yaml", None),
    ("- a list\n- not a mapping", "override-bad-yaml", None),
    ("just a string", "override-bad-yaml", None),
    ("a: &x [1]\nb: *x", "override-bad-yaml", None),
    ("title: one\ntitle: two", "override-bad-yaml", "title"),
    (b"title: \xff\xfe not utf-8", "override-bad-yaml", None),
    # unknown fields
    ("titel: typo", "override-unknown-field", "title"),
    ("source_file: ../../etc/passwd", "override-unknown-field", "source_file"),
    ("1: numeric key", "override-unknown-field", None),
    # wrong types
    ("title: 1984", "override-bad-value", "title"),
    ("title: yes", "override-bad-value", "title"),
    ("title: [a, b]", "override-bad-value", "title"),
    ("title: {a: b}", "override-bad-value", "title"),
    ("speaker: 3.5", "override-bad-value", "speaker"),
    ("tags: 42", "override-bad-value", "tags"),
    ("tags: [工业, 3]", "override-bad-value", "tags"),
    ("tags: {a: 1}", "override-bad-value", "tags"),
    ("title: '   '\nspeaker: \"bell\\a\"", "override-bad-value", "speaker"),
    ("speaker: 'bell\x07'", "override-bad-yaml", None),
    ("title: " + "长" * 600, "override-bad-value", "title"),
    # bad dates
    ("date: 2023-02-30", "override-bad-value", "date"),
    ("date: 2023-13", "override-bad-value", "date"),
    ("date: April 19, 2023", "override-bad-value", "date"),
    ("date: 19/04/2023", "override-bad-value", "date"),
    ("date: 23-04-19", "override-bad-value", "date"),
    ("date: 99", "override-bad-value", "date"),
    ("date: true", "override-bad-value", "date"),
    ("date: [2023]", "override-bad-value", "date"),
    # slugs, languages, URLs
    ("slug: Has Capitals", "override-bad-value", "slug"),
    ("slug: ../../etc/passwd", "override-bad-value", "slug"),
    ("slug: 中文", "override-bad-value", "slug"),
    ("slug: -leading", "override-bad-value", "slug"),
    ("slug: a_b", "override-bad-value", "slug"),
    ("slug: 2023", "override-bad-value", "slug"),
    ("slug: index", "override-bad-value", "slug"),
    ("replaces: [Old Address]", "override-bad-value", "replaces"),
    (
        "replaces: {a: 1}",
        "override-bad-value",
        "replaces",
    ),  # reserved: speeches/index.md is the folder's page
    ("language: chinese language", "override-bad-value", "language"),
    ("source_url: javascript:alert(1)", "override-bad-value", "source_url"),
    ("source_url: 'data:text/html,<script>alert(1)</script>'", "override-bad-value", "source_url"),
    ("source_url: www.example.com", "override-bad-value", "source_url"),
    ("source_url: 'https://a.example/\"onmouseover=alert(1)'", "override-bad-value", "source_url"),
]


@pytest.mark.parametrize(("text", "code", "field"), BAD_SIDECARS, ids=[str(b[0])[:40] for b in BAD_SIDECARS])
def test_bad_sidecar(tmp_path, monkeypatch, text, code, field):
    monkeypatch.chdir(tmp_path)
    fields, messages = _sidecar(tmp_path, text)
    assert code in _codes(messages)
    assert all(m.level == "warning" for m in messages)
    message = next(m for m in messages if m.code == code)
    assert "talk.yml" in message.text, "the message names the file"
    if field:
        assert field in message.text, "the message names the field"
    if code in ("override-bad-value", "override-unknown-field"):
        assert field not in fields
    assert not (tmp_path / "PWNED").exists()


def test_good_fields_survive_beside_bad_ones(tmp_path):
    fields, messages = _sidecar(tmp_path, "title: 好标题\ndate: 2023-02-30\nspeaker: [x]\nfoo: bar\n")
    assert fields == {"title": "好标题"}
    assert sorted(_codes(messages)) == ["override-bad-value", "override-bad-value", "override-unknown-field"]


def test_unknown_field_suggests_the_close_one(tmp_path):
    _, messages = _sidecar(tmp_path, "speeker: 张三")
    assert "Did you mean 'speaker'" in messages[0].text


def test_a_yaml_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    lines.append("title: *a29")
    fields, messages = _sidecar(tmp_path, "\n".join(lines))
    assert fields == {}
    assert _codes(messages) == ["override-bad-yaml"]


def test_a_huge_sidecar_is_refused(tmp_path):
    fields, messages = _sidecar(tmp_path, "title: x\n" + "# padding\n" * 200_000)
    assert fields == {}
    assert _codes(messages) == ["override-bad-yaml"]


def test_sidecar_beside_every_format_and_yaml_suffix(tmp_path):
    root = _sources(
        tmp_path,
        {"a.docx": b"x", "a.yaml": "title: A", "b/c.html": "x", "b/c.yml": "title: C", "d.txt": "x"},
    )
    loaded = load_overrides(root)
    assert loaded.for_source("a.docx") == ({"title": "A"}, [])
    assert loaded.for_source("b/c.html") == ({"title": "C"}, [])
    assert loaded.for_source("d.txt") == ({}, [])
    assert loaded.messages == []


def test_yml_and_yaml_for_one_source(tmp_path):
    root = _sources(tmp_path, {"a.txt": "x", "a.yml": "title: from yml", "a.yaml": "title: from yaml"})
    fields, messages = load_overrides(root).for_source("a.txt")
    assert fields == {"title": "from yml"}
    assert _codes(messages) == ["override-bad-yaml"]


@pytest.mark.parametrize("name", ["upper.YML", "upper.YAML", "upper.Yml"])
def test_a_sidecar_extension_in_capitals_is_read(tmp_path, name):
    """`is_override_file` takes NAME.YML for a sidecar (never a source), so it must be read as one too."""
    root = _sources(tmp_path, {"upper.txt": "x", name: "title: 大写"})
    loaded = load_overrides(root)
    assert loaded.for_source("upper.txt") == ({"title": "大写"}, [])
    assert loaded.messages == []


def test_an_orphan_sidecar_whose_name_is_not_utf8_is_named_printably(tmp_path):
    root = _sources(tmp_path, {"a.txt": "x"})
    with open(os.fsencode(root) + b"/" + "讲话".encode("gbk") + b".yml", "w", encoding="utf-8") as f:
        f.write("title: x")
    (message,) = load_overrides(root).messages
    assert message.code == "override-orphan-sidecar"
    assert message.text.startswith(r"\xbd\xb2\xbb\xb0.yml: ")
    message.text.encode("utf-8")  # a lone surrogate here made writing the report fail


def test_orphan_sidecar(tmp_path):
    root = _sources(tmp_path, {"a.txt": "x", "typo.yml": "title: nobody", "sub/x.yaml": "title: x"})
    loaded = load_overrides(root)
    assert _codes(loaded.messages) == ["override-orphan-sidecar", "override-orphan-sidecar"]
    assert "typo.yml" in loaded.messages[1].text or "typo.yml" in loaded.messages[0].text


def test_sidecar_link_out_of_sources_is_not_read(tmp_path):
    secret = tmp_path / "secret.yml"
    secret.write_text("title: secret", encoding="utf-8")
    root = _sources(tmp_path, {"a.txt": "x"})
    (root / "a.yml").symlink_to(secret)
    fields, messages = load_overrides(root).for_source("a.txt")
    assert fields == {}
    assert _codes(messages) == ["override-unreadable"]


# --------------------------------------------------------------------------- catalog.csv

HEADER = "file,title,date,speaker,event,location,language,tags,summary,source_name,source_url,slug\n"


def _catalog(tmp_path, rows: str, files=("a.txt", "sub/b.docx"), header: str = HEADER, bom: bool = True):
    content = {rel: "x" for rel in files}
    content["catalog.csv"] = ("\ufeff" if bom else "") + header + rows
    return load_overrides(_sources(tmp_path, content))


def test_catalog_rows(tmp_path):
    loaded = _catalog(
        tmp_path,
        "a.txt,标题A,2023/4/19,张三,,,zh,工业;经济；改革,,,https://x.example/a,\n"
        'sub/b.docx,"Title, with comma",2023年4月,,,,en,,,,,b-slug\n',
    )
    assert loaded.messages == []
    assert loaded.for_source("a.txt") == (
        {"title": "标题A", "date": "2023-04-19", "speaker": "张三", "language": "zh",
         "tags": ("工业", "经济", "改革"), "source_url": "https://x.example/a"},
        [],
    )  # fmt: skip
    assert loaded.for_source("sub/b.docx")[0] == {
        "title": "Title, with comma", "date": "2023-04", "language": "en", "slug": "b-slug"
    }  # fmt: skip
    assert loaded.for_source("other.txt") == ({}, [])


def test_catalog_replaces_lists_slugs_separated_by_semicolons(tmp_path):
    loaded = _catalog(tmp_path, "a.txt,old-a; old-b\n", header="file,replaces\n")
    assert loaded.for_source("a.txt") == ({"replaces": ("old-a", "old-b")}, [])


def test_catalog_without_bom_and_with_windows_paths(tmp_path):
    loaded = _catalog(tmp_path, "sub\\b.docx,T\r\n", header="file,title\r\n", bom=False)
    assert loaded.messages == []
    assert loaded.for_source("sub/b.docx")[0] == {"title": "T"}


def test_catalog_in_gb18030_is_read_with_a_warning(tmp_path):
    root = _sources(
        tmp_path, {"讲话.txt": "x", "catalog.csv": "file,title\n讲话.txt,标题\n".encode("gb18030")}
    )
    loaded = load_overrides(root)
    assert _codes(loaded.messages) == ["catalog-bad-csv"]
    assert loaded.for_source("讲话.txt")[0] == {"title": "标题"}


def test_catalog_finds_a_file_spelled_in_another_unicode_form(tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "café.txt")
    root = _sources(tmp_path, {nfd: "x", "catalog.csv": "file,title\ncafé.txt,T\n"})
    loaded = load_overrides(root)
    assert loaded.messages == []
    assert loaded.for_source(nfd)[0] == {"title": "T"}


BAD_CATALOG_ROWS = [
    ("../../etc/passwd,evil\n", "catalog-bad-path", "file"),
    ("/etc/passwd,evil\n", "catalog-bad-path", "file"),
    ("C:\\Windows\\win.ini,evil\n", "catalog-bad-path", "file"),
    ("sub/../../a.txt,evil\n", "catalog-bad-path", "file"),
    (",no file\n", "catalog-bad-path", "file"),
    ("missing.txt,nobody\n", "catalog-missing-file", "missing.txt"),
    ("sub,a folder\n", "catalog-missing-file", "sub"),
    ("catalog.csv,itself\n", "catalog-bad-path", "catalog.csv"),
    ("a.txt,first\na.txt,second\n", "catalog-duplicate-row", "a.txt"),
    ("./a.txt,first\na.txt,second\n", "catalog-duplicate-row", "a.txt"),
    ("a.txt,t,x,y\n", "catalog-bad-csv", "line 2"),
]


@pytest.mark.parametrize(
    ("rows", "code", "word"), BAD_CATALOG_ROWS, ids=[b[0][:30] for b in BAD_CATALOG_ROWS]
)
def test_bad_catalog_rows(tmp_path, rows, code, word):
    loaded = _catalog(tmp_path, rows, header="file,title\n")
    assert code in _codes(loaded.messages)
    message = next(m for m in loaded.messages if m.code == code)
    assert message.level == "warning"
    assert "catalog.csv" in message.text
    assert word in message.text


def test_an_unclosed_quote_that_swallows_a_row_is_named(tmp_path):
    """a.txt's title opens a quote that never closes: CSV reads sub/b.docx's row as the rest of that
    title. A cell may hold line breaks, but not a row of another source: the warning names it."""
    loaded = _catalog(tmp_path, 'a.txt,"没有结束的引号\nsub/b.docx,乙\n', header="file,title\n")
    [message] = [m for m in loaded.messages if m.code == "catalog-bad-csv"]
    assert "'sub/b.docx'" in message.text and "quote" in message.text
    # a cell of several lines that names no source is fine
    loaded = _catalog(tmp_path / "ok", 'a.txt,"第一行\n第二行, 还有逗号"\n', header="file,title\n")
    assert loaded.messages == []


def test_catalog_duplicate_row_keeps_the_first(tmp_path):
    loaded = _catalog(tmp_path, "a.txt,first\na.txt,second\n", header="file,title\n")
    assert loaded.for_source("a.txt")[0] == {"title": "first"}


def test_catalog_link_out_of_sources(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    root = _sources(tmp_path, {"catalog.csv": "file,title\nlink.txt,T\n"})
    (root / "link.txt").symlink_to(outside)
    loaded = load_overrides(root)
    assert _codes(loaded.messages) == ["catalog-bad-path"]


def test_catalog_bad_values_go_with_their_source(tmp_path):
    loaded = _catalog(tmp_path, "a.txt,T,2023-02-30,,,,,,,,javascript:alert(1),Bad Slug\n")
    fields, messages = loaded.for_source("a.txt")
    assert fields == {"title": "T"}
    assert _codes(messages) == ["override-bad-value"] * 3
    assert all("catalog.csv line 2" in m.text and "a.txt" in m.text for m in messages)
    assert {"date", "source_url", "slug"} == {f for f in ("date", "source_url", "slug") for m in messages
                                              if f"'{f}'" in m.text}  # fmt: skip


def test_catalog_cells_are_text_never_yaml(tmp_path):
    loaded = _catalog(
        tmp_path,
        "a.txt,\"!!python/object/apply:os.system ['touch PWNED']\",,{{ x }};<b>\n",
        header="file,title,date,tags\n",
    )
    fields, messages = loaded.for_source("a.txt")
    assert messages == [] and loaded.messages == []
    assert fields == {"title": "!!python/object/apply:os.system ['touch PWNED']", "tags": ("{{ x }}", "<b>")}


def test_catalog_unknown_column(tmp_path):
    loaded = _catalog(tmp_path, "a.txt,T,x\n", header="file,title,colour\n")
    assert _codes(loaded.messages) == ["override-unknown-field"]
    assert "colour" in loaded.messages[0].text
    assert loaded.for_source("a.txt")[0] == {"title": "T"}


@pytest.mark.parametrize(
    "content",
    [
        "title,date\nx,2023\n",
        "",
        "\n\n",
        'file,title\n"unclosed,x\n',
        "file,title\n" + "x" * 200_000 + ",y\n",
    ],
    ids=["no-file-column", "empty", "blank-lines", "unclosed-quote", "huge-cell"],
)
def test_catalog_that_cannot_be_used(tmp_path, content):
    root = _sources(tmp_path, {"a.txt": "x", "catalog.csv": content})
    loaded = load_overrides(root)
    assert set(_codes(loaded.messages)) <= {"catalog-bad-csv", "catalog-missing-file"}
    assert loaded.for_source("a.txt") == ({}, [])


def test_catalog_with_nul_bytes(tmp_path):
    root = _sources(tmp_path, {"a.txt": "x", "catalog.csv": b"file,title\na.txt,T\x00\n"})
    loaded = load_overrides(root)
    fields, messages = loaded.for_source("a.txt")
    assert "catalog-bad-csv" in _codes(loaded.messages) or _codes(messages) == ["override-bad-value"]
    assert fields == {}


# --------------------------------------------------------------------------- precedence, fingerprint, names


def test_sidecar_wins_over_catalog_field_by_field(tmp_path):
    root = _sources(
        tmp_path,
        {
            "a.txt": "x",
            "a.yml": "title: from sidecar\n",
            "catalog.csv": "file,title,speaker\na.txt,from catalog,张三\n",
        },
    )
    fields, messages = load_overrides(root).for_source("a.txt")
    assert fields == {"title": "from sidecar", "speaker": "张三"}
    assert messages == []


def test_fingerprint_changes_with_the_overrides_only(tmp_path):
    root = _sources(tmp_path, {"a.txt": "x", "b.txt": "y", "a.yml": "title: one\n"})
    first = load_overrides(root)
    assert first.fingerprint("b.txt") == ""
    assert first.fingerprint("a.txt") == load_overrides(root).fingerprint("a.txt") != ""
    (root / "a.yml").write_text("title: two\n", encoding="utf-8")
    assert load_overrides(root).fingerprint("a.txt") != first.fingerprint("a.txt")
    (root / "catalog.csv").write_text("file,speaker\nb.txt,张三\n", encoding="utf-8")
    second = load_overrides(root)
    assert second.fingerprint("b.txt") != ""
    (root / "catalog.csv").write_text("file,speaker\nb.txt,李四\n", encoding="utf-8")
    assert load_overrides(root).fingerprint("b.txt") != second.fingerprint("b.txt")


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("catalog.csv", True),
        ("Catalog.CSV", True),
        ("a.yml", True),
        ("sub/a.yaml", True),
        ("sub/catalog.csv", False),
        ("a.txt", False),
        ("a.docx", False),
        ("yml.txt", False),
    ],
)
def test_is_override_file(tmp_path, rel, expected):
    assert load_overrides(tmp_path).is_override_file(rel) is expected


def test_no_sources_folder_no_overrides(tmp_path):
    loaded = load_overrides(tmp_path / "missing")
    assert loaded.messages == []
    assert loaded.for_source("a.txt") == ({}, [])


def test_module_docstring_lists_every_code():
    source = Path(overrides.__file__).read_text(encoding="utf-8")
    import re

    used = set(re.findall(r'warning\(\s*"([a-z-]+)"', source))
    for code in used:
        assert f"- {code}:" in overrides.__doc__, code


@pytest.mark.parametrize("source", ["speech.pdf", "speech.doc", "speech.wps", "speech.rtf", "speech.odt"])
def test_a_sidecar_beside_any_readable_format_is_not_an_orphan(tmp_path, source):
    root = _sources(tmp_path, {source: "x", "speech.yml": "title: 在全县大会上的讲话"})
    loaded = load_overrides(root)
    assert _codes(loaded.messages) == []
    fields, _ = loaded.for_source(source)
    assert fields == {"title": "在全县大会上的讲话"}
