"""QuickInline (hooks/archive_markdown.py) renders every Markdown text exactly as Python-Markdown does."""

from __future__ import annotations

import sys

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.yaml import yaml_load
from site_fixture import ROOT

sys.path.insert(0, str(ROOT / "hooks"))

from archive_markdown import KNOWN_PATTERNS, QuickInline, QuickInlineProcessor, triggers  # noqa: E402


def site_extensions() -> tuple[list, dict]:
    """mkdocs.yml's markdown_extensions and their settings, read as MkDocs reads them."""
    loaded = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = [], {}
    for item in loaded["markdown_extensions"]:
        name, config = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        configs[name] = config or {}
    return names, configs


NAMES, CONFIGS = site_extensions()


def render(text: str, quick: bool) -> str:
    extensions = NAMES + ([QuickInline()] if quick else [])
    return markdown.Markdown(extensions=extensions, extension_configs=CONFIGS).convert(text)


SAMPLE = """\
# 标题 *强调* 与 `代码`

同志们：这是一段没有任何标记的文字。

Text with **strong**, *em*, _under_, ~~deleted~~, `code`, \\*escaped\\*, &amp; &#20013; &copy; and 1 < 2.
A line that ends in two spaces\x20\x20
breaks; <span class="x">inline HTML</span>, <https://example.org>, <someone@example.org>.
[a link](https://example.org "title"), ![image](a.png), [ref][r], [r], ![ref image][r], a note[^1].

[r]: https://example.org/ref

[^1]: 脚注的 *文字*。

| 列 | *列* |
|----|------|
| 1  | `2`  |

!!! note "提示 *a*"
    在提示里 **加粗**。

<div markdown="1">
块里 *强调* [链接](b.md)
</div>

## 一、没有标记的小节 {#custom-id}

* 列表 _一_
* 列表二
"""


def test_the_sample_renders_the_same():
    assert render(SAMPLE, quick=True) == render(SAMPLE, quick=False)
    assert "<em>强调</em>" in render(SAMPLE, quick=True)  # the sample does reach the inline patterns


def test_every_inline_pattern_of_the_site_is_known():
    md = markdown.Markdown(extensions=NAMES + [QuickInline()], extension_configs=CONFIGS)
    assert triggers(md) is not None
    assert isinstance(md.treeprocessors["inline"], QuickInlineProcessor)


def test_an_unknown_inline_pattern_turns_the_shortcut_off():
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    class Plus(markdown.Extension):
        def extendMarkdown(self, md):  # noqa: N802
            md.inlinePatterns.register(SimpleTagInlineProcessor(r"(\+\+)(.+?)\+\+", "ins"), "ins", 65)

    md = markdown.Markdown(extensions=NAMES + [Plus(), QuickInline()], extension_configs=CONFIGS)
    assert triggers(md) is None
    assert "<ins>新</ins>" in md.convert("文字 ++新++ 文字")
    assert "ins" not in KNOWN_PATTERNS


# Texts made of the characters every inline pattern starts with, Chinese, and Markdown's line structure.
PIECES = st.sampled_from(
    list("*_~`\\[]()!<>&#;:/@^\"'.|-=+{}") + ["  \n", "\n", "\n\n", " ", "中文", "text", "https://a.b",
    "a@b.c", "&amp;", "<b>", "</b>", "    ", "1. ", "> ", "!!! note\n    ", "[^1]", "[^1]: n\n", "{#x}"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_text_renders_the_same(text):
    assert render(text, quick=True) == render(text, quick=False)
