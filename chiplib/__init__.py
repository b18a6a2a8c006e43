"""chiplib: sourced data and shared models for the collection on China's AI accelerators.

Importing the package is cheap: submodules (``chiplib.data``, ``chiplib.core.units`` ...) load
pandas, pint and pandera when first imported, and nothing here imports the report
build (papermill, nbconvert).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("chiplib")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
