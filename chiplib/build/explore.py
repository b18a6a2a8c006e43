"""Serve the explorer (``notebooks/explore.ipynb``) as a web app with Voila: ``make explore``, or
``python -m chiplib.build.explore [--port N]``.

- Local: bound to 127.0.0.1 (no one else on the network reaches it); the URL is printed.
- Code hidden: Voila shows outputs and Markdown only, and runs each visitor's own kernel. One kernel is kept
  pre-heated (the notebook already run), so a reader who opens the URL once it is ready waits about 2-3 s,
  not the 7-10 s that starting Python and loading the data and chart libraries take.
- Offline: the page, its widgets and its Vega charts come from the installed voila, ipywidgets and
  JupyterLab packages (pinned in pyproject.toml). Voila's lab template also links two Font Awesome
  stylesheets from a CDN; the template here (``jupyter/voila/templates/chiplib``, found through
  ``JUPYTER_PATH``) drops them, since Voila's bundle already carries the font.

The tests and the benchmark start the server with the same :func:`command` and :func:`environment`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"
#: A Jupyter data directory holding the Voila template (``voila/templates/chiplib``).
JUPYTER_DIR = Path(__file__).resolve().parent / "jupyter"
TEMPLATE = "chiplib"
HOST = "127.0.0.1"
PORT = 8866


#: Voila's own command (``voila``), run by a Python that imports chiplib first: the server then starts without
#: the module chiplib keeps out (see ``chiplib/__init__.py``), one to two seconds sooner.
VOILA = "import chiplib, voila.app; voila.app.main()"


def command(port: int = PORT, notebook: Path = NOTEBOOK) -> list[str]:
    """The Voila command line serving ``notebook`` on ``HOST:port`` (one pre-heated kernel), without opening a
    browser."""
    return [sys.executable, "-c", VOILA, str(notebook), f"--template={TEMPLATE}", "--no-browser", f"--Voila.ip={HOST}",
            f"--port={port}", "--Voila.port_retries=0", "--VoilaConfiguration.preheat_kernel=True"]


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with the template's directory first on ``JUPYTER_PATH``."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(JUPYTER_DIR), env.get("JUPYTER_PATH", "")) if p)
    return env


def url(port: int = PORT) -> str:
    return f"http://{HOST}:{port}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=PORT, help=f"port on {HOST} (default {PORT})")
    args = parser.parse_args(argv)
    print(f"The explorer: {url(args.port)} (served from this machine only; Ctrl-C stops it)", flush=True)
    line = command(args.port)
    os.chdir(NOTEBOOK.parent)
    os.execve(line[0], line, environment())  # Voila replaces this process: signals reach it directly
    return 0


if __name__ == "__main__":
    sys.exit(main())
