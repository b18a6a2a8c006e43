"""Stable element ids in the SVG vl-convert draws.

Vega numbers clip paths and gradients (``clip1``, ``gradient_3`` ...) with a counter that lives as long as
the JavaScript engine, so the same chart drawn after other charts gets other ids: the page would depend on
what ran before it. :func:`stable_ids` renames them from the chart's own spec, numbered in order of
appearance, so a chart always gives the same SVG and two charts on one page never share an id.
"""

from __future__ import annotations

import hashlib
import json
import re

_ID = re.compile(r'(?<=id=")(clip|gradient_?|pattern)(\d+)(?=")')


def stable_ids(svg: str, spec: dict) -> str:
    """``svg`` with each numbered id (and every ``url(#...)`` reference to it) renamed ``<kind>-<key>-<n>``,
    where ``key`` is a hash of ``spec`` and ``n`` counts from 1 in document order."""
    key = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:8]
    names: dict[str, str] = {}
    for kind, number in _ID.findall(svg):
        old = f"{kind}{number}"
        if old not in names:
            names[old] = f"{kind.rstrip('_')}-{key}-{len(names) + 1}"
    if not names:
        return svg
    pattern = re.compile(r'(?<=id=")(' + "|".join(map(re.escape, names)) + r')(?=")|(?<=url\(#)('
                         + "|".join(map(re.escape, names)) + r')(?=\))')
    return pattern.sub(lambda m: names[m.group(1) or m.group(2)], svg)
