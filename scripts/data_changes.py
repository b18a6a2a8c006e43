"""Count what changed in the data between two git revisions, table by table, for data/CHANGELOG.md.

Usage: python scripts/data_changes.py OLD_REV [NEW_REV]   (NEW_REV defaults to the working tree)

For each CSV table in data/: rows added and removed (by the table's key from chiplib.data.schema), rows
whose cells changed, and among those the rows re-graded (their ``basis`` changed) and the rows whose figure
changed (``value``, ``unit`` or ``preferred``). Columns added to a table are listed. Prints Markdown.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from chiplib.data import schema

ROOT = Path(__file__).resolve().parents[1]


def _rows(rev: str | None, name: str) -> tuple[list[str], dict[tuple, dict]] | None:
    if rev is None:
        path = ROOT / "data" / name
        if not path.exists():
            return None
        text = path.read_text(encoding="utf-8")
    else:
        shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:data/{name}"], capture_output=True, text=True)
        if shown.returncode != 0:
            return None
        text = shown.stdout
    reader = csv.DictReader(io.StringIO(text))
    spec = schema.TABLES[name.removesuffix(".csv")]
    key = [c for c in spec.key if c in (reader.fieldnames or [])]
    rows = {tuple(row.get(c, "") for c in key): row for row in reader}
    return list(reader.fieldnames or []), rows


def changes(old_rev: str, new_rev: str | None = None) -> str:
    """The Markdown table of changes per data table between two revisions."""
    lines = ["| table | added | removed | changed | re-graded | figure changed | new columns |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name in sorted(spec.file for spec in schema.TABLES.values()):
        old, new = _rows(old_rev, name), _rows(new_rev, name)
        if new is None:
            continue
        old_columns, old_rows = old or ([], {})
        columns, rows = new
        added = [k for k in rows if k not in old_rows]
        removed = [k for k in old_rows if k not in rows]
        shared = [k for k in rows if k in old_rows]
        changed = [k for k in shared if any(rows[k].get(c, "") != old_rows[k].get(c, "") for c in old_columns)]
        regraded = [k for k in changed if "basis" in old_columns and rows[k].get("basis") != old_rows[k].get("basis")]
        figure = [k for k in changed if any(rows[k].get(c) != old_rows[k].get(c) for c in ("value", "unit", "preferred")
                                            if c in old_columns)]
        new_columns = [c for c in columns if c not in old_columns] if old else []
        if added or removed or changed or new_columns:
            lines.append(f"| `{name}` | {len(added)} | {len(removed)} | {len(changed)} | {len(regraded)} | {len(figure)} "
                         f"| {', '.join(new_columns)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    print(changes(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None))
