"""Text from the data into Markdown and HTML, escaped by construction.

Text the data holds (a chip name, a note, a source title, a claim) is never markup: a report
shows it as the characters it is. Notebooks and report prose use the helpers here and nothing else:

- :func:`md` formats a Markdown template (written in code, so its own Markdown is kept) with values
  from the data, escaping each value for Markdown and HTML;
- :func:`markdown` does the same and returns an object Jupyter displays as Markdown;
- :func:`table` turns a DataFrame into a pandas Styler whose cells, index and headers are HTML-escaped;
- :func:`markdown_table` writes a DataFrame as a Markdown table with every cell escaped.
"""

from __future__ import annotations

import hashlib
import html
import string
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chiplib.present.citations import cite

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

#: Characters that start Markdown markup (emphasis, code, links, headings, tables, strikethrough, math);
#: with ``[`` escaped no link can form, and ``<``/``&`` are HTML-escaped, so no tag or autolink either.
_MARKDOWN_SPECIALS = "\\`*_[]#|~$"


def text(value: Any) -> str:
    """``value`` as text safe inside Markdown and HTML: markup characters become literal, line breaks spaces."""
    plain = " ".join(str(value).split())
    marked = "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in plain)
    return html.escape(marked, quote=False)


class _EscapingFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return text(super().format_field(value, format_spec))


def md(template: str, /, *args: Any, **values: Any) -> str:
    """``template.format(*args, **values)`` with every substituted value escaped by :func:`text`.

    >>> md("**{name}**: {note}", name="X<1>", note="[click](javascript:alert(1))")
    '**X&lt;1&gt;**: \\\\[click\\\\](javascript:alert(1))'
    """
    return _EscapingFormatter().format(template, *args, **values)


class Markdown:
    """Markdown for Jupyter to display (``text/markdown``), built with :func:`md`."""

    def __init__(self, source: str):
        self.source = source

    def _repr_markdown_(self) -> str:
        return self.source

    def __repr__(self) -> str:
        return self.source


def markdown(template: str, /, *args: Any, **values: Any) -> Markdown:
    """A displayable :class:`Markdown` from :func:`md`."""
    return Markdown(md(template, *args, **values))


@lru_cache(maxsize=1)
def _table_class() -> type:
    """A Styler whose plain-text form names its shape, not its memory address (outputs must not vary by run)."""
    from pandas.io.formats.style import Styler

    class Table(Styler):
        def __repr__(self) -> str:
            rows, columns = self.data.shape
            return f"<table: {rows} rows x {columns} columns>"

    return Table


def table(frame: pd.DataFrame, formats: Mapping[str, str] | str | None = None, *, na_rep: str = "",
          index: bool = False, sources: Iterable[str] = ()) -> Styler:
    """A Styler for ``frame`` with every cell, index label and column header HTML-escaped.

    ``formats`` maps columns to format strings (``"{:,.0f}"``) or is one format for every cell. The
    table's sources (``sources``, and the values of a ``source_id`` column) go to the run's source log.
    """
    cite(sources)
    if "source_id" in frame.columns:
        cite(frame["source_id"].dropna())
    # the table's element ids come from its content, not at random: the same data gives the same page
    uuid = hashlib.sha256(frame.to_csv().encode()).hexdigest()[:8]
    styler = _table_class()(frame, uuid=uuid).format(escape="html", na_rep=na_rep)
    if formats:
        if isinstance(formats, str):
            styler = styler.format(formats, escape="html", na_rep=na_rep)
        else:
            given = {column: spec for column, spec in formats.items() if column in frame.columns}
            styler = styler.format(given, escape="html", na_rep=na_rep)
    styler = styler.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return styler if index else styler.hide(axis="index")


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a GitHub-flavoured Markdown table (no index), every header and cell escaped by :func:`text`."""
    rows = [[text(column) for column in frame.columns], ["---"] * len(frame.columns)]
    rows += [[text(value) for value in record] for record in frame.itertuples(index=False)]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)
