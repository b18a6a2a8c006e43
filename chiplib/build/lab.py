"""JupyterLab on the notebooks (``make lab``), started by a Python that imports chiplib first, so the server
starts without the module chiplib keeps out of its processes (see ``chiplib/__init__.py``), one to two seconds
sooner. ``python -m chiplib.build.lab [JupyterLab options]``; the Lab test starts it the same way."""

from __future__ import annotations

import sys

import chiplib  # noqa: F401 (first, for the reason above)


def main(argv: list[str] | None = None) -> None:
    """Run JupyterLab with ``argv`` (JupyterLab's own options; default: this process's arguments)."""
    from jupyterlab.labapp import main as lab

    sys.exit(lab(argv))


if __name__ == "__main__":
    main()
