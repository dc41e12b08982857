# govchain: the two commands are `make demo` and `make test` (see README.md).
# Set-up is incremental: each step runs only when its inputs changed, so a second run
# reinstalls nothing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(CURDIR)/node_modules/.bin:$(BIN):$(PATH)
BROWNIE := $(BIN)/brownie

.PHONY: setup demo test bench compile slither chain-start chain-stop clean

setup: $(VENV)/.installed node_modules/.installed
	@bash tools/install-solc-bridge.sh
	@bash tools/configure-brownie.sh
	@bash tools/install-chromium.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

compile: setup
	$(BROWNIE) compile

demo: setup
	$(BROWNIE) compile >/dev/null
	$(BIN)/govchain demo

test: setup
	$(BROWNIE) test -p no:cacheprovider
	@$(MAKE) --no-print-directory slither  # no high or medium finding (slither.config.json: fail_on medium)

bench: setup
	@bash tools/install-fuzz.sh
	@mkdir -p reports
	$(BROWNIE) compile >/dev/null
	@for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(BIN)/python $$bench; done
	@cat reports/benchmarks.json

# brownie 1.22 prunes library artifacts (Address, Errors, ...) in alphabetical load order when it
# reloads a build, so crytic-compile would miss them after a second plain `brownie compile`:
# compile everything first, then let slither read that build.
slither: setup
	$(BROWNIE) compile --all >/dev/null
	$(BIN)/slither . --compile-force-framework brownie --ignore-compile

chain-start: setup
	$(BIN)/govchain chain start

chain-stop:
	$(BIN)/govchain chain stop

clean:
	rm -rf build reports .pytest_cache
