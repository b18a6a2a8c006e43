"""No output reads the clock: the same commit gives the same reports on any day.

A static check: no code in chiplib or the notebooks reads the clock (the build banner names the data version,
the inputs hash and the library version, never a time). The
dynamic check (outputs identical under two fake dates) is tests/integration/test_fake_dates.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
#: Attribute calls that read the wall clock (datetime.now, date.today, time.localtime, pd.Timestamp.now ...).
CLOCK_ATTRIBUTES = {"now", "today", "utcnow", "localtime", "gmtime", "ctime", "asctime"}
#: Strings that ask pandas or numpy for the current time.
CLOCK_STRINGS = {"now", "today"}
#: Places allowed to read the clock: none.
ALLOWED: set[tuple[str, str]] = set()


def _clock_reads(tree: ast.AST, where: str) -> set[tuple[str, str]]:
    found = set()
    functions = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for child in ast.walk(node):
                functions.setdefault(id(child), node.name)
    for node in ast.walk(tree):
        hit = False
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_ATTRIBUTES:
            hit = True
        if isinstance(node, ast.Attribute) and node.attr == "time" and isinstance(node.value, ast.Name) \
                and node.value.id == "time":
            hit = True
        if isinstance(node, ast.Call) and any(isinstance(a, ast.Constant) and a.value in CLOCK_STRINGS for a in node.args):
            hit = True
        if hit:
            found.add((where, functions.get(id(node), "<module>")))
    return found


def clock_reads() -> set[tuple[str, str]]:
    """(file, function) of every clock read in chiplib and in the notebooks' code cells."""
    found = set()
    for path in sorted((REPO / "chiplib").rglob("*.py")):
        found |= _clock_reads(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(REPO).as_posix())
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                found |= _clock_reads(ast.parse(cell.source), f"{path.relative_to(REPO).as_posix()} cell {index + 1}")
    return found


def test_the_scanner_finds_clock_reads():
    code = ("import datetime as dt, time\nimport pandas as pd\n"
            "a = dt.date.today()\nb = time.time()\nc = pd.Timestamp('now')\ndef f():\n    return dt.datetime.now()\n")
    assert _clock_reads(ast.parse(code), "x.py") == {("x.py", "<module>"), ("x.py", "f")}
    assert not _clock_reads(ast.parse("import time\nt = time.perf_counter()\nd.strftime('%Y')\n"), "y.py")


def test_nothing_reads_the_clock():
    assert clock_reads() == ALLOWED


