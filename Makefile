# detente — developer entry points. Needs Python >= 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLAGSHIP := scenarios/russia-ukraine-2022-12.yaml

.PHONY: demo test lint bench install install-test clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[charts]"

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"

demo: install
	$(BIN)/detente check $(FLAGSHIP)
	$(BIN)/detente assess $(FLAGSHIP)
	mkdir -p out
	$(BIN)/detente report $(FLAGSHIP) -o out/briefing.html --force

test: install-test
	$(BIN)/python -m pytest -q -n 2

lint: install-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

bench: install-test
	@status=0; for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

# The workbench's browser assets (needs Node.js >= 20 and npm): CodeMirror, the page scripts and
# styles bundled by esbuild into src/detente/web/static (committed: pip install needs no Node.js).
# No install script runs: esbuild's binary is an npm package of its own.
assets:
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
