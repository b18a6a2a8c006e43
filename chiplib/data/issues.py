"""Problems found in the data: where each is (file, line, column or key) and why, collected, never raised one by one."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from chiplib.data import schema

LINE = "csv_line"  # column added to every raw table: the CSV line the row starts on


@dataclass(frozen=True, order=True)
class DataIssue:
    """One problem in the data: where it is and why it is a problem."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        what = "key" if self.file.endswith(".yaml") else "column"
        column = f" {what} '{self.column}'" if self.column else ""
        return f"{where}:{column} {self.reason}"


class DataValidationError(ValueError):
    """The data failed validation; ``issues`` lists every problem found."""

    def __init__(self, issues: list[DataIssue]):
        self.issues = sorted(issues)
        listing = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) in the data:\n{listing}")


@dataclass
class RawTables:
    """The tables as text (empty cells are None), each with its ``_line`` column, plus what went wrong."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[DataIssue] = field(default_factory=list)

    def add(self, table: str, line: int, column: str, reason: str) -> None:
        """Record a problem in CSV table ``table`` (a name from :data:`chiplib.data.schema.TABLES`)."""
        self.issues.append(DataIssue(schema.TABLES[table].file, line, column, reason))


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None
