"""The core layer: units, dates, notebook parameters and writing files whole. It imports nothing else of chiplib."""
