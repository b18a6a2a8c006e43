"""A report's Sources section: every source id with its title, publisher, date and address."""

from __future__ import annotations

from chiplib.data import Dataset, sources_for
from chiplib.present.citations import cited
from chiplib.present.safe import Markdown, md


def sources_markdown(source_ids, dataset: Dataset | None = None, intro: str = "") -> str:
    """A Markdown list of sources (id, title, publisher, date, URL, access date) for a report's Sources section."""
    rows = sources_for(source_ids, dataset)
    lines = [md("- **{id}**: {title}. {publisher}", id=row.Index, title=row.title, publisher=row.publisher)
             + (md(", {}", row.published) if row.published else "")
             + f". <{row.url}> " + md("(accessed {})", row.accessed) for row in rows.itertuples()]
    return (md("{}", intro) + "\n\n" if intro else "") + "\n".join(lines)




def section(intro: str = "", dataset: Dataset | None = None):
    """The report's Sources section: every source the run's charts, tables and figures cited
    (:mod:`chiplib.present.citations`), as displayable Markdown."""
    return Markdown(sources_markdown(cited(), dataset, intro=intro))
