"""Tests of htmlconsensus: pruning the HTML reader's article by what readability-lxml and trafilatura keep."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from converter.readers import html, htmlconsensus
from converter.readers.htmlconsensus import Confirmed

PARAGRAPH = "第{}段：全市上下要坚持稳中求进工作总基调，扎实推进各项重点工作，确保全年目标任务圆满完成。"


def article_of(body: str):
    return lxml_html.fragment_fromstring(f"<div>{body}</div>")


def texts(article) -> list[str]:
    return [" ".join(p.text_content().split()) for p in article.iter("p", "li", "h2")]


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("今天召开全县工业经济发展推进会。主要任务是总结工作。", 1.0),
        ("今天召开全县工业经济发展推进会。这一句不在里面，也不应当算。", 0.5),
        ("Subscribe to our newsletter for the day's top stories.", 0.0),
        ("", 1.0),
    ],
)
def test_covers_counts_the_sentences_every_library_kept(text, share):
    kept = "今天召开全县工业经济发展推进会主要任务是总结工作"
    confirmed = Confirmed((kept, kept + "另一个库多留的一句"))
    assert confirmed.covers(text) == pytest.approx(share, abs=0.1)


def test_a_sentence_only_one_library_kept_is_not_confirmed():
    confirmed = Confirmed(("甲乙丙丁戊己庚辛壬癸子丑寅卯", "子丑寅卯辰巳午未申酉戌亥"))
    assert confirmed.covers("甲乙丙丁戊己庚辛壬癸。") == 0.0


def test_blocks_neither_library_kept_are_removed_with_their_containers():
    article = article_of(
        "".join(f"<p>{PARAGRAPH.format(i)}</p>" for i in range(3))
        + "<div class='teaser'><img src='a.jpg' alt='另一篇稿件'><p>另一篇稿件的导语，库都没有保留它的这段文字。</p></div>"
    )
    kept = "".join(html_text for html_text in (PARAGRAPH.format(i) for i in range(3)))
    confirmed = Confirmed((htmlconsensus.NOT_WORD.sub("", kept),))
    assert htmlconsensus.prune_unconfirmed(article, confirmed) == [
        "另一篇稿件的导语，库都没有保留它的这段文字。"
    ]
    assert texts(article) == [PARAGRAPH.format(i) for i in range(3)]
    assert article.find(".//img") is None


def test_short_blocks_go_with_the_long_blocks_around_them():
    article = article_of(
        f"<h2>一、总体要求</h2><p>{PARAGRAPH.format(1)}</p><ul><li>甲项</li><li>乙项</li></ul>"
        f"<p>{PARAGRAPH.format(2)}</p><h2>热门排行</h2><p>别处的一篇稿件的导语，库都没有保留它的这段文字。</p>"
    )
    kept = PARAGRAPH.format(1) + PARAGRAPH.format(2)
    htmlconsensus.prune_unconfirmed(article, Confirmed((htmlconsensus.NOT_WORD.sub("", kept),)))
    assert texts(article) == ["一、总体要求", PARAGRAPH.format(1), "甲项", "乙项", PARAGRAPH.format(2)]


def test_nothing_is_pruned_when_the_libraries_found_no_article():
    body = "<h2>通知</h2>" + "".join(f"<p>{PARAGRAPH.format(i)}</p>" for i in range(2))
    article = article_of(body)
    assert htmlconsensus.prune_unconfirmed(article, Confirmed(())) == []
    assert htmlconsensus.prune_unconfirmed(article, Confirmed(("无关的文字" * 30,))) == []
    assert texts(article) == ["通知", PARAGRAPH.format(0), PARAGRAPH.format(1)]


def test_the_articles_h1_is_kept_though_the_libraries_leave_titles_out():
    article = article_of(
        f"<h1>在全市工作会议上的讲话</h1><p>{PARAGRAPH.format(1)}</p><p>{PARAGRAPH.format(2)}</p>"
    )
    kept = htmlconsensus.NOT_WORD.sub("", PARAGRAPH.format(1) + PARAGRAPH.format(2))
    htmlconsensus.prune_unconfirmed(article, Confirmed((kept,)))
    assert article.findtext(".//h1") == "在全市工作会议上的讲话"


def test_a_short_page_the_libraries_give_up_on_is_read_whole(tmp_path):
    # A bulletin page like 中国政府网's 国务院公报: too short for either library to call it an article.
    page = tmp_path / "bulletin.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>关于批准决议_国务院公报_中国政府网</title></head><body>"
        "<div class='nav'>首页 | 简 | 繁 | EN | 登录</div><div class='pages_content'>"
        "<p>（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）</p>"
        "<p>会议决定：批准发行15500亿元特别国债购买外汇。</p></div></body></html>",
        encoding="utf-8",
    )
    document = html.read(page)
    assert [b.text for b in document.blocks] == [
        "（2007年6月29日第十届全国人民代表大会常务委员会第二十八次会议通过）",
        "会议决定：批准发行15500亿元特别国债购买外汇。",
    ]


def test_the_libraries_read_the_page_after_it_was_made_safe(tmp_path):
    script = "window.stolen = document.cookie; " * 20
    speech = "".join(f"<p>{PARAGRAPH.format(i)}</p>" for i in range(6))
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><meta charset='utf-8'><title>讲话</title></head><body><div class='content'>{speech}"
        f"<script>{script}</script><p>正文里写着 &lt;script&gt;alert(1)&lt;/script&gt; 这几个字符，照样是正文。</p>"
        "</div></body></html>",
        encoding="utf-8",
    )
    text = "\n".join(b.text for b in html.read(page).blocks)
    assert "document.cookie" not in text
    assert "<script>alert(1)</script>" in text
