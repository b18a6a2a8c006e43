"""JupyterLab on the notebooks (``make lab``): ``python -m chiplib.build.lab [JupyterLab options]``; the Lab test
starts it the same way. Run as a module of chiplib, it has imported the package before JupyterLab, so the server
starts without the module chiplib keeps out of its processes (see ``chiplib/__init__.py``), one to two seconds
sooner than ``jupyter lab``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run JupyterLab with ``argv`` (JupyterLab's own options; default: this process's arguments)."""
    from jupyterlab.labapp import main as lab

    sys.exit(lab(argv))


if __name__ == "__main__":
    main()
