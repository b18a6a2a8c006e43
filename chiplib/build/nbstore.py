"""Store a notebook the way the repository keeps it: executed with its defaults, outputs kept
only on cells marked ``# NBVAL_CHECK_OUTPUT`` (the headline numbers nbval checks), no
timestamps or papermill metadata. Run ``python -m chiplib.build.nbstore notebooks/NAME.ipynb``
(or ``make notebooks``) after changing a notebook or the data its headline cells show.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

MARK = "# NBVAL_CHECK_OUTPUT"


def strip(nb) -> None:
    """Drop volatile metadata and every output except those of NBVAL_CHECK_OUTPUT cells."""
    nb.metadata.pop("papermill", None)
    nb.metadata.setdefault("kernelspec", {}).update({"name": "python3", "display_name": "Python 3",
                                                      "language": "python"})
    counter = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if cell.source.lstrip().startswith(MARK):
            counter += 1
            cell.execution_count = counter
            for output in cell.outputs:
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = counter
        else:
            cell.outputs = []
            cell.execution_count = None


def store(path: Path) -> None:
    """Execute ``path`` with its default parameters and write it back, stripped."""
    import nbformat
    import papermill as pm

    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / path.name
        pm.execute_notebook(str(path), str(executed), cwd=str(path.parent), kernel_name="python3",
                            progress_bar=False)
        nb = nbformat.read(executed, as_version=4)
    strip(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> None:
    for name in argv:
        store(Path(name).resolve())
        print(f"stored {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
