"""``data/datapackage.json``: the tables described in the Frictionless Data format, generated from the
collection's own schemas, so the data can be validated or loaded without chiplib
(``frictionless validate data/datapackage.json``).

Fields, required cells, allowed values and patterns come from :mod:`chiplib.data.schema` (the pandera
schemas ``chiplib validate`` runs); primary and foreign keys from its ``TABLES`` and ``FOREIGN_KEYS``;
descriptions from the column tables of ``data/README.md``. Every field is a string: figures are kept as
the source printed them (``1,000``, ``3.35`` with its unit beside it), and checks that need more than a
pattern (units that convert, one preferred row) stay with ``chiplib validate``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from chiplib.data import columns, schema

#: Where the package is written, beside the tables it describes.
FILE = "datapackage.json"
LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
           "title": "Creative Commons Attribution 4.0"}


def _descriptions(readme: str) -> dict[str, dict[str, str]]:
    """Per table file, the column descriptions its section of the README gives (``| `col` | ... | meaning |``)."""
    found: dict[str, dict[str, str]] = {}
    current = None
    for line in readme.splitlines():
        heading = re.match(r"^##+ `([a-z_]+\.csv)`", line)
        if heading:
            current = found.setdefault(heading.group(1), {})
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\| `([a-z_]+)`(?:, `[a-z_]+`)* \| (?:[^|]*\| )?([^|]+) \|$", line)
        if current is not None and row:
            for name in re.findall(r"`([a-z_]+)`", line.split("|")[1]):
                current[name] = row.group(2).strip()
    return found


def _field(name: str, column, description: str) -> dict:
    field: dict = {"name": name, "type": "string"}
    if description:
        field["description"] = description
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    for check in column.checks:
        if "allowed_values" in check.statistics:
            constraints["enum"] = list(check.statistics["allowed_values"])
        elif "pattern" in check.statistics:
            constraints["pattern"] = check.statistics["pattern"].removeprefix("^").removesuffix("$")
        elif check.error:
            field["description"] = (field.get("description", "") + f" Checked by chiplib: {check.error}.").strip()
    if constraints:
        field["constraints"] = constraints
    return field


def package(data_dir: Path) -> dict:
    """The data package descriptor for the tables in ``data_dir`` (a plain dict, ready for JSON)."""
    from chiplib.data.tables import version

    readme = (data_dir / "README.md").read_text(encoding="utf-8") if (data_dir / "README.md").exists() else ""
    described = _descriptions(readme)
    resources = []
    for name, spec in schema.TABLES.items():
        checks = columns.pandera_schema(name).columns
        fields = [_field(c, checks[c], described.get(spec.file, {}).get(c, "")) for c in spec.columns]
        table: dict = {"fields": fields, "missingValues": [""]}
        if all(not checks[c].nullable for c in spec.key):
            table["primaryKey"] = list(spec.key)
        foreign = [{"fields": column, "reference": {"resource": target, "fields": target_column}}
                   for source, column, target, target_column in schema.FOREIGN_KEYS if source == name]
        if foreign:
            table["foreignKeys"] = foreign
        resources.append({"name": name, "path": spec.file, "profile": "tabular-data-resource", "format": "csv",
                          "mediatype": "text/csv", "encoding": "utf-8", "schema": table})
    number, as_of = version(data_dir)
    return {"profile": "tabular-data-package", "name": "chiplib-data", "version": number,
            "title": "China's AI accelerators under US export controls: sourced and graded data",
            "description": f"Data version {number}, as of {as_of}. See README.md (data dictionary) and CHANGELOG.md.",
            "licenses": [LICENCE], "resources": resources}


def text(data_dir: Path) -> str:
    """The descriptor as written to ``datapackage.json`` (stable key order, trailing newline)."""
    return json.dumps(package(data_dir), indent=1, ensure_ascii=False) + "\n"
