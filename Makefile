# One command each: `make test`, `make reports`, `make lab`. The first run creates .venv
# (pip install of chiplib with its dev extras); nothing is installed or registered outside the repo.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup test test-fast lint reports release lab explore validate docs notebooks refresh bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "chiplib needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The full run (CI runs this): lint, then every test, notebook regressions and browser checks included, spread
# over one pytest worker per core (tests that share a build, a server or a notebook's kernel run in one worker).
XDIST := -n auto --dist loadgroup --no-loadscope-reorder

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(XDIST)

# Seconds, not minutes: unit and data tests only (no kernels, builds or browsers).
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(XDIST) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

validate: $(STAMP)
	$(BIN)/chiplib validate

# One interpreter: the build validates the data before any kernel starts, and with nothing changed since
# the last complete build it says so in well under a second.
reports: $(STAMP)
	@$(BIN)/chiplib build

# A versioned archive of the data and the built reports, with its SHA-256 manifest, in dist/.
release: reports
	$(BIN)/chiplib release

lab: $(STAMP)
	$(BIN)/python -m chiplib.build.lab --notebook-dir=notebooks

# The explorer (notebooks/explore.ipynb) as a web app: Voila, code hidden, offline, on 127.0.0.1 (PORT=8866).
explore: $(STAMP)
	$(BIN)/python -m chiplib.build.explore --port $(or $(PORT),8866)

docs: $(STAMP)
	$(BIN)/python -m chiplib.build.docs

notebooks refresh: $(STAMP)
	$(BIN)/python -m chiplib.build.nbstore notebooks/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_data.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
