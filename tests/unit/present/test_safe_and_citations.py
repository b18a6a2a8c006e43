"""Data text is escaped by construction, and what a report shows is what it cites."""

from __future__ import annotations

import pandas as pd

from chiplib.present import citations, safe
from chiplib.present.figures import Brief, figure

PAYLOAD = "<img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold** _it_ `code` | pipe # head\nnext"


def test_text_makes_markup_literal():
    text = safe.text(PAYLOAD)
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "\\[link\\](javascript:alert(1))" in text  # no link can form without its brackets
    assert "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\| pipe \\# head next" in text  # one line, markup escaped


def test_md_escapes_values_not_the_template():
    assert safe.md("**{name}** reaches {share:.0%}", name="X <b>1</b>", share=0.5) == "**X &lt;b&gt;1&lt;/b&gt;** reaches 50%"
    assert safe.markdown("{}", "a_b")._repr_markdown_() == "a\\_b"


def test_table_escapes_cells_index_and_headers():
    frame = pd.DataFrame({"<th>": ["<script>x</script>"], "n": [1234.5]}, index=["<i>row</i>"])
    html = safe.table(frame, {"n": "{:,.0f}"}, index=True).to_html()
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;th&gt;" in html and "&lt;i&gt;row&lt;/i&gt;" in html and "1,234" in html


def test_markdown_table_escapes_every_cell():
    table = safe.markdown_table(pd.DataFrame({"chip_id": ["a|b"], "name": ["<b>x</b>"]}))
    assert table.splitlines() == ["| chip\\_id | name |", "| --- | --- |", "| a\\|b | &lt;b&gt;x&lt;/b&gt; |"]


def test_tables_and_figures_cite_their_sources():
    citations.reset()
    safe.table(pd.DataFrame({"source_id": ["b-src", None], "x": [1, 2]}), sources=["a-src"])
    brief = Brief(("text",), (figure("f", "F", 1.0, "", ["c-src", "a-src"]),))
    assert citations.cited() == ["a-src", "b-src"]  # a figure cites when it is shown, not when it is made
    assert brief.figure("f").sources == ("a-src", "c-src")
    citations.reset()
    assert citations.cited() == []
