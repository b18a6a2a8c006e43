"""Notebook parameters: typed, with their valid values, checked before any kernel starts.

Each theme module declares ``PARAMS``, a tuple of :class:`Param`. The build checks every
report variant against it, and the notebook's second cell calls :func:`check` again, so a
bad value fails the same way in JupyterLab, in papermill and in ``chiplib build``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class ParamError(ValueError):
    """A notebook parameter is unknown, of the wrong type, or not one of the valid values."""


@dataclass(frozen=True)
class Param:
    """One notebook parameter: its name, Python type, default, and (optionally) its valid values.

    ``choices`` is a callable so that valid values can come from the data (e.g. chip ids).
    """

    name: str
    type: type
    default: Any
    help: str
    choices: Callable[[], Iterable[Any]] | None = None


def check(params: tuple[Param, ...], given: Mapping[str, Any], *, where: str = "") -> dict[str, Any]:
    """Return the full parameter set (defaults + ``given``), or raise ParamError listing every problem."""
    specs = {p.name: p for p in params}
    prefix = f"{where}: " if where else ""
    problems = []
    for name in given:
        if name not in specs:
            problems.append(f"unknown parameter {name!r}; valid parameters: {', '.join(specs)}")
    values = {p.name: p.default for p in params}
    for name, value in given.items():
        spec = specs.get(name)
        if spec is None:
            continue
        if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
            problems.append(f"parameter {name!r} must be {spec.type.__name__}, got {type(value).__name__} {value!r}")
            continue
        if spec.choices is not None:
            valid = list(spec.choices())
            if value not in valid:
                problems.append(f"parameter {name!r} = {value!r} is not valid; valid values: "
                                f"{', '.join(map(str, valid))}")
                continue
        values[name] = value
    if problems:
        raise ParamError(prefix + "; ".join(problems))
    return values
