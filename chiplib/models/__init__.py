"""The models layer: numbers only. Each module computes from a loaded dataset and never opens a file."""
