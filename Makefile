# detente — developer entry points. Needs Python >= 3.11 and make.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLAGSHIP := scenarios/russia-ukraine-2022-12.yaml

.PHONY: demo test lint bench fuzz install install-test clean

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
	$(BIN)/ruff check src tests benchmarks tools fuzz
	$(BIN)/ruff format --check src tests benchmarks tools fuzz
	$(BIN)/mypy

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

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis build src/*.egg-info
