"""Markdown escaping: what CommonMark or GitHub Markdown would read as markup is escaped
(hostile text stays literal once rendered), ordinary punctuation stays as typed in the
source so the file reads well."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from auditor.exchange.md_blocks import block, inline, table

HOSTILE = "*bold* [link](javascript:x) <script> | pipe # head `code`"


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def plain(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", rendered(markdown))).strip()


@pytest.mark.parametrize("text", [
    HOSTILE, "# heading", "## two", "###### six #", "> quote", "- item", "+ item", "---",
    "- - -", "***", "___", "===", "1. one", "12) twelve", "**strong** __strong__ _em_",
    "~~struck~~", "![img](x.png)", "[ref]: http://x", "<b>html</b>", "<http://auto>",
    "&amp; &#65; &lt;", "a | b | c", "```fence", "~~~fence", "back\\slash\\", "`tick`",
    "[^note]", "\\# escaped already", "trailing #",
])
def test_markup_stays_literal_inline_and_in_a_block(text):
    for markdown in (inline(text), block(text), "Text before\\\n" + block(text),
                     f"### {inline(text)}"):
        html_out = rendered(markdown)
        for tag in ("<em", "<strong", "<a ", "<code", "<pre", "<blockquote", "<ul", "<ol",
                    "<hr", "<h1", "<h2", "<h6", "<img", "<b>", "<del", "<s>", "<script"):
            if markdown.startswith("### ") and tag == "<h3":
                continue
            assert tag not in html_out, (text, markdown, html_out)
    assert plain(block(text)) == text
    assert plain(f"### {inline(text)}") == text.strip()


def test_a_table_cell_keeps_its_columns():
    cells = rendered("\n".join(table(["a", "b"], [[inline(HOSTILE), inline("x | y")]])))
    assert cells.count("<td>") == 2 and "<script" not in cells


def test_ordinary_punctuation_is_left_as_typed():
    text = ("Release 4.2.0 (Q3): 12 of 42 sampled - see PR #812! Owner: J. Silva, "
            "due 2026-04-30; AT&T's =SUM(A1) {x} a+b 3.5% x^2 x > y snake_case e-mail "
            "a@b.example https://example.com/a_b")
    assert inline(text) == text
    assert block(text) == text


def test_several_lines_are_paragraphs_with_hard_breaks_and_no_code_block():
    text = "first\n    indented\n- not a list\n\n# not a heading"
    html_out = rendered(block(text))
    assert html_out.count("<p>") == 2 and "<br" in html_out
    assert "<pre" not in html_out and "<ul" not in html_out and "<h1" not in html_out
    assert "\u00a0\u00a0\u00a0\u00a0indented" in block(text)
