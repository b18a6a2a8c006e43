"""chiplib: sourced data and shared models for the collection on China's AI accelerators.

Importing the package is cheap: submodules (``chiplib.data``, ``chiplib.core.units`` ...) load
pandas, pint and pandera when first imported, and nothing here imports the report
build (papermill, nbconvert).

Importing it keeps one module out of the process: ``rfc3987_syntax``, which jsonschema (used by Altair and by
chiplib's checks of the YAML files) imports when it is installed, as Jupyter's packages install it. That module
compiles dozens of Earley grammars as it loads, 1 to 4 s in every process and every kernel
(python-jsonschema/jsonschema#1428); without it jsonschema only skips checking the ``iri`` and
``iri-reference`` string formats, which nothing here uses. A process that imported it before chiplib keeps it.
"""

import sys
from importlib.metadata import PackageNotFoundError, version

sys.modules.setdefault("rfc3987_syntax", None)

try:
    __version__ = version("chiplib")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
