"""The data layer: every file under ``data/`` (CSV tables and YAML files), loaded, validated and viewed.

``from chiplib import data`` gives the public API: :func:`load` (validated once per directory),
the views :func:`specs_wide`, :func:`specs_long`, :func:`facts` and :func:`coverage`, provenance
(:func:`preferred_sources`, :func:`sources_for`), the data's as-of date and the rule versions, and independence
(:func:`origins_of`, :func:`without_origin`: who originated each figure).
"""

from chiplib.data import rules
from chiplib.data.independence import count_origins, origins_of, without_origin
from chiplib.data.provenance import preferred_sources, sources_for
from chiplib.data.tables import Dataset, as_of, data_dir, facts, load, version
from chiplib.data.validate import DataValidationError
from chiplib.data.views import CONTESTED_SHARE, capacity_rows, coverage, estimate_values, measurements, specs_long, specs_wide

__all__ = [
    "CONTESTED_SHARE", "Dataset", "capacity_rows", "DataValidationError", "as_of", "count_origins", "coverage", "data_dir",
    "estimate_values", "facts", "load", "measurements", "origins_of", "preferred_sources", "rules", "sources_for", "specs_long",
    "specs_wide", "version", "without_origin",
]
