"""QuickInline and QuickToc (hooks/archive_markdown.py) render every Markdown text exactly as Python-Markdown
does, with the same headings for the table of contents; NamedPermalinks names the heading permalinks."""

from __future__ import annotations

import re
import sys

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils.yaml import yaml_load
from site_fixture import ROOT

sys.path.insert(0, str(ROOT / "hooks"))

from archive_markdown import (  # noqa: E402
    KNOWN_PATTERNS,
    NamedPermalinks,
    QuickInline,
    QuickInlineProcessor,
    QuickToc,
    QuickTocProcessor,
    triggers,
)


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


def render(text: str, quick: bool) -> tuple[str, list]:
    """The HTML and the headings' list (what MkDocs reads of a page's Markdown)."""
    extensions = NAMES + ([QuickInline(), QuickToc()] if quick else [])
    md = markdown.Markdown(extensions=extensions, extension_configs=CONFIGS)
    return md.convert(text), md.toc_tokens


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
    html, headings = render(SAMPLE, quick=True)
    assert "<em>强调</em>" in html  # the sample does reach the inline patterns
    assert [h["id"] for h in headings] == ["标题-强调-与-代码"]
    assert [h["id"] for h in headings[0]["children"]] == ["custom-id"]


def test_a_toc_marker_still_gets_the_table_of_contents():
    text = "# 一\n\n[TOC]\n\n## 二\n\n文字\n"
    assert render(text, quick=True) == render(text, quick=False)
    assert '<div class="toc">' in render(text, quick=True)[0]


def test_every_inline_pattern_of_the_site_is_known():
    md = markdown.Markdown(extensions=NAMES + [QuickInline(), QuickToc()], extension_configs=CONFIGS)
    assert triggers(md) is not None
    assert isinstance(md.treeprocessors["inline"], QuickInlineProcessor)
    assert isinstance(md.treeprocessors["toc"], QuickTocProcessor)


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
    "a@b.c", "&amp;", "<b>", "</b>", "    ", "1. ", "> ", "!!! note\n    ", "[^1]", "[^1]: n\n", "{#x}",
    "# ", "## ", "### ", "[TOC]", "\n\n[TOC]\n\n", "\n# 题\n"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_any_text_renders_the_same(text):
    assert render(text, quick=True) == render(text, quick=False)


def test_heading_permalinks_are_named_by_their_title():
    """The toc extension's permalink is named "#" by its text; NamedPermalinks names it by its title."""
    md = markdown.Markdown(
        extensions=NAMES + [QuickInline(), QuickToc(), NamedPermalinks()], extension_configs=CONFIGS
    )
    html = md.convert('# 标题\n\n## 一、总体情况\n\n文字，[链接](https://example.org "题")\n')
    links = re.findall(r"<a [^>]*>", html)
    title = CONFIGS["toc"]["permalink_title"]
    named = f'<a aria-label="{title}" class="headerlink" href="#一总体情况" title="{title}">'
    assert named in links and len([x for x in links if f'aria-label="{title}"' in x]) == 2
    assert '<a href="https://example.org" title="题">' in links  # other links are left as they are
