"""What a warm kernel runs (see :mod:`chiplib.build.warm`): warm-up, the reset before each report, and the
record of what the report read. Its functions run inside the kernel; the build process reads only
:data:`RUN_VARIABLES`."""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil


def warm_up() -> None:
    """Import what reports import, load and validate the data once, and start the chart engine; the kernel ends
    when the worker that started it is gone (a killed build leaves no kernel behind)."""
    import vl_convert as vlc
    from IPython.display import display  # noqa: F401 (imported for its cost, once)

    import chiplib.reports
    from chiplib import data
    from chiplib.build.safety import exit_with_parent
    from chiplib.present import charts

    exit_with_parent()

    for module in pkgutil.iter_modules(chiplib.reports.__path__):
        importlib.import_module(f"chiplib.reports.{module.name}")
    data.load()
    charts.altair()
    vlc.vegalite_to_svg({"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}})
    # What warm-up made lives as long as the kernel: leave it out of every later garbage collection, so the
    # collection in each reset (IPython's %reset) and those during a run scan only the run's own objects.
    gc.collect()
    gc.freeze()


#: The environment variables a build gives each run (the data directory, the reports folder); a variable a
#: run is not given is removed, so no run sees another build's.
RUN_VARIABLES = ("CHIPLIB_DATA", "CHIPLIB_REPORTS")


def reset(cwd: str, env: dict[str, str] | None = None) -> None:
    """Put back what a report may have changed outside its namespace, give it ``cwd`` and its environment
    (:data:`RUN_VARIABLES` from ``env``), and start recording its reads."""
    import pandas as pd

    from chiplib.data import tracking
    from chiplib.present import charts

    os.chdir(cwd)
    for name in RUN_VARIABLES:
        if env and name in env:
            os.environ[name] = env[name]
        else:
            os.environ.pop(name, None)
    for group in ("display", "styler", "compute", "future"):
        pd.reset_option(group)
    charts.altair()
    tracking.start()


def print_reads() -> None:
    """Print the data files the report read (one JSON line) and stop recording."""
    from chiplib.data import tracking

    print(json.dumps(tracking.stop()))
