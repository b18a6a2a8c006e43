"""Keep the generated parts of ``data/README.md`` (the coverage table) in step with the data.

``python -m chiplib.build.docs`` (or ``make docs``) rewrites the text between the
``<!-- coverage:start -->`` and ``<!-- coverage:end -->`` markers; a test fails when
the file is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

from chiplib import data
from chiplib.present.safe import markdown_table

README = Path(__file__).resolve().parents[2] / "data" / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"


def coverage_section(dataset: data.Dataset | None = None) -> str:
    """The coverage table for the README: per chip, metrics sourced and contested, sources cited."""
    ds = dataset or data.load()
    table = data.coverage(ds).reset_index()
    table.insert(1, "country", table["chip_id"].map(ds.chips["country"]))
    table = table.sort_values(["country", "vendor", "chip_id"], kind="stable")
    summary = (f"{len(table)} chips ({(table['country'] == 'CN').sum()} Chinese), "
               f"{int(table['metrics'].sum())} chip-metric figures sourced, "
               f"{int(table['contested'].sum())} contested, from {len(ds.sources)} sources.")
    return f"{summary}\n\n{markdown_table(table)}"


def render(text: str, dataset: data.Dataset | None = None) -> str:
    """``text`` with its coverage section regenerated."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"{README.name} lacks the {START} ... {END} markers")
    return pattern.sub(lambda _: f"{START}\n{coverage_section(dataset)}\n{END}", text)


def main() -> None:
    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
