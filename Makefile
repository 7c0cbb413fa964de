# detente — developer entry points. Needs Python >= 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# a second environment with the lowest versions pyproject.toml allows (see test-lowest)
LOWEST ?= .venv-lowest
FLAGSHIP := scenarios/russia-ukraine-2022-12.yaml

.PHONY: demo test test-lowest lint bench fuzz assets install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# detente and its dependencies (the briefing's chart libraries included) and the workbench's
# service (`detente serve` after `make demo`)
install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[web]"

# everything a developer runs: tests, lint, browser tests, the Dask cluster tests, the service
install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,lint,browser,dask,web]"

# The demo's briefing includes the Monte Carlo section ("How sure is that?").
demo: install
	$(BIN)/detente check $(FLAGSHIP)
	$(BIN)/detente assess $(FLAGSHIP)
	mkdir -p out
	$(BIN)/detente report $(FLAGSHIP) -o out/briefing.html --simulate 10000 --force

# Every test, the slow ones included; pytest's last line gives the suite's wall time.
# --dist loadscope runs each module on one worker: module-scoped fixtures are built once, and
# the Dask tests (one module) share one cluster.
PYTEST := -m pytest -q -n 2 --dist loadscope

test: install-test
	$(BIN)/python $(PYTEST) --durations=10

# The floors of pyproject.toml, tested: a fresh environment with the lowest version of every
# direct dependency (uv's lowest-direct resolution; indirect ones at their newest, as a user
# would get them), detente installed from a built wheel, and the tests.
test-lowest:
	rm -rf $(LOWEST)
	$(PYTHON) -m venv $(LOWEST)
	$(LOWEST)/bin/python -m pip install --quiet uv
	$(LOWEST)/bin/uv pip install --quiet --python $(LOWEST)/bin/python \
		--resolution lowest-direct ".[test,browser,dask,web]"
	$(LOWEST)/bin/uv pip list --python $(LOWEST)/bin/python
	$(LOWEST)/bin/python $(PYTEST) -p no:cacheprovider

lint: install-test
	$(BIN)/ruff check src tests benchmarks tools fuzz
	$(BIN)/ruff format --check src tests benchmarks tools fuzz
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install-test
	@status=0; for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

# Coverage-guided fuzzing of the readers of untrusted input (docs/security.md), on demand.
FUZZ_RUNS ?= 10000
FUZZ_TARGETS := scenario expression preference table events

fuzz: install-test
	$(BIN)/python -m pip install --quiet -e ".[fuzz]"
	@status=0; log=$$(mktemp); for t in $(FUZZ_TARGETS); do \
		$(BIN)/python fuzz/run.py $$t $(FUZZ_RUNS) > $$log 2>&1 || status=1; \
		grep -E "^(FINDING|$$t: )" $$log || { tail -5 $$log; status=1; }; \
	done; rm -f $$log; exit $$status

# The workbench's browser assets (needs Node.js >= 20 and npm): CodeMirror, the page scripts and
# styles bundled by esbuild into src/detente/web/static (committed: pip install needs no Node.js).
# No install script runs: esbuild's binary is an npm package of its own.
assets:
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund && node build.mjs

clean:
	rm -rf $(VENV) $(LOWEST) out .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
