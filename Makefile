# Two commands for a newcomer: `make serve` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KG     := $(BIN)/kg
STAMP  := $(VENV)/.installed-stamp

.PHONY: install build serve test test-virtuoso lint bench clean

$(STAMP): pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@# The query editor (YASGUI) comes from npm and is served locally; without npm the
	@# endpoint still works and /sparql falls back to a plain form.
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
		|| echo "warning: npm ci failed; the SPARQL page will use its plain form"
	@# Debian's Chromium for the browser tests (Playwright drives it; never `playwright install`).
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
		|| echo "warning: could not install chromium; the browser tests will be skipped"
	touch $(STAMP)

install: $(STAMP)

## build: parse, map, validate, reason and load the graph into ./data/store
build: $(STAMP)
	$(KG) build

## serve: build the graph if needed, then serve it (see README for the address)
serve: $(STAMP)
	$(KG) build --if-needed
	$(KG) serve

lint: $(STAMP)
	$(BIN)/ruff check src server tests bench

# tests/test_virtuoso.py is left to `make test-virtuoso`: with Virtuoso installed it adds
# about 30 s, and the suite is near its 5 minutes.
# One worker per CPU (at least 2, at most 6: tests/conftest.py), whole files to a worker
# in the order tests/conftest.py gives (the slowest first), so that the workers end together.
test: $(STAMP) lint
	$(BIN)/pytest -n auto --dist loadfile --no-loadscope-reorder --ignore=tests/test_virtuoso.py

## test-virtuoso: the round trip over Virtuoso Open Source (Debian's package, installed here
## if missing), started on loopback by the test (docs/scaling.md)
test-virtuoso: $(STAMP)
	@command -v virtuoso-t >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource) >/dev/null 2>&1 \
		|| echo "warning: could not install virtuoso-opensource; the test will be skipped"
	$(BIN)/pytest -rs tests/test_virtuoso.py

## bench: corpus generator, build and endpoint benchmarks (docs/benchmarks.md); not part of test
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk) \
		|| echo "warning: wrk is not installed; the endpoint benchmark needs it"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache
