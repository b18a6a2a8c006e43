"""The core layer: units, dates and notebook parameters. It imports nothing else of chiplib."""
