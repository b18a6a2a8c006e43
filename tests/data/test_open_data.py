"""The open-data release: licences, a data package that validates without chiplib, one data version
everywhere, and headline figures that cite only the rows they use."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chiplib import data
from chiplib.build import datapackage
from chiplib.models.export_controls import INPUT_METRICS
from chiplib.reports import export_controls

REPO = Path(__file__).resolve().parents[2]


def test_licences_are_stated():
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0" in (REPO / "data" / "LICENSE").read_text(encoding="utf-8")
    licence = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert "MIT" in licence and "CC-BY-4.0" in licence


def test_one_data_version_everywhere():
    number, as_of = data.version()
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.match(r"^\d{4}\.\d{1,2}\.\d+$", number)
    assert f'version: "{number}"' in citation and as_of == data.as_of()
    log = (REPO / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {number} ({as_of})" in log and f'date-released: "{as_of}"' in citation


def test_datapackage_is_current():
    assert (REPO / "data" / datapackage.FILE).read_text(encoding="utf-8") == datapackage.text(REPO / "data"), \
        "data/datapackage.json is stale: run `make docs`"


def test_every_table_validates_against_the_datapackage_without_chiplib():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(REPO / "data" / datapackage.FILE))
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors][:10]
    assert report.valid, problems


def test_export_control_figures_cite_only_the_chips_they_count():
    """Each count cites the rule and the input figures of the chips it counts, not every chip's sources."""
    ds = data.load()
    brief = export_controls.answer(dataset=ds)
    active = export_controls.resolve_rule(export_controls.IN_FORCE, "2026-11-22")
    chips = export_controls.counted(export_controls.classify_all(active.rule_id, ds), active, ds)
    for name in ("chinese_controlled", "chinese_unknown", "china_parts_controlled"):
        allowed = set(active.sources) | set(data.preferred_sources(chips[name], INPUT_METRICS, ds))
        cited = set(brief.figure(name).sources)
        assert cited <= allowed and cited - set(active.sources), name
    everyone = set(data.preferred_sources(ds.chips.index, INPUT_METRICS, ds))
    assert len(brief.figure("china_parts_controlled").sources) < len(everyone) / 3
