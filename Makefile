# Two commands on a fresh machine: `make run` (install + the HTTP API on the built-in
# data, until Ctrl-C) and `make test` (install + lint + type check + tests). `make demo`
# is the one-shot tour of the flows on the same data.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install models run demo test lint bench eval clean serving-check

$(BIN)/skillmatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch from the local wheel first, so nothing pulls CUDA.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	# Serving needs no extra; tests, export and training need `train` (torch, onnx...).
	$(BIN)/python -m pip install --quiet -e '.[dev,train]'
	touch $@

# axe-core for the browser tests' accessibility check (tests/web), pinned by
# package-lock.json; nothing under node_modules/ is served. Without npm it says so and the
# browser tests skip the accessibility checks (CI installs npm: .ci/run).
node_modules/.package-lock.json: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: axe-core not installed (the browser tests skip their accessibility checks)"; fi

install: $(BIN)/skillmatch node_modules/.package-lock.json

models: install
	$(BIN)/skillmatch models build

# Loads the sample into an empty workspace, says what it holds, serves on
# http://127.0.0.1:8000 (docs at /docs) until Ctrl-C.
run: models
	$(BIN)/skillmatch serve --sample

demo: models
	$(BIN)/skillmatch demo

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test: models lint
	$(BIN)/pytest -q

bench: models
	$(BIN)/python benchmarks/bench_linking.py

eval: models
	$(BIN)/skillmatch eval linking

# `pip install .` without extras in a fresh venv: no torch, and the main commands work.
serving-check:
	bash .ci/serving-check

clean:
	rm -rf .skillmatch
