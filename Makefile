# Kometa Panel: developer entry points.  `make help` lists the targets.
#
# Override any variable on the command line, e.g.
#   make test PYTEST_ARGS='-m unit -x'      make run PLEXSIM_PORT=32401      make setup PY=python3.12

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PY     ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV   ?= .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# pytest: -n auto spreads test files over one worker per core (--dist loadfile keeps a file's tests, and so
# its module-scoped servers, in one worker). Use PYTEST_XDIST= to run in a single process.
PYTEST_XDIST ?= -n auto --dist loadfile
PYTEST_ARGS  ?=

# Debian packages the tests need, as package:command pairs (checked with `command -v`, then `dpkg -s`).
SYSTEM_PACKAGES ?= redis-server:redis-server git:git chromium:chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# `make run`: the demo stack (panel/stack.py): a private redis-server, plexsim with its demo library (unless
# KOMETA_PANEL_PLEX_URL names a real Plex) and the panel, all on 127.0.0.1. `make run-plexsim`: plexsim alone.
# The environment's KOMETA_PANEL_PORT / PLEXSIM_PORT are used unless the command line sets a port.
PANEL_PORT   ?= $(or $(KOMETA_PANEL_PORT),5000)
PLEXSIM_HOST ?= 127.0.0.1
PLEXSIM_PORT ?= 32400

BENCH_DIR     := bench
BENCH_RESULTS := $(BENCH_DIR)/results

.PHONY: help setup system-deps lint format test frontend-check bench run run-plexsim clean distclean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# ----------------------------------------------------------------------------- environment

setup: $(STAMP) ## create .venv and pip install -e '.[dev]' (again only when pyproject.toml changed)

$(PYTHON):
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

system-deps: ## install missing Debian packages (redis-server, git, chromium) with apt-get
	@missing=""; \
	for pair in $(SYSTEM_PACKAGES); do \
	  pkg=$${pair%%:*}; cmd=$${pair#*:}; \
	  if command -v "$$cmd" >/dev/null 2>&1 || dpkg -s "$$pkg" >/dev/null 2>&1; then continue; fi; \
	  missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then echo "system-deps: present: $(foreach p,$(SYSTEM_PACKAGES),$(firstword $(subst :, ,$(p))))"; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	  echo "WARNING: system-deps: apt-get not available; install these yourself:$$missing" >&2; exit 0; \
	fi; \
	echo "system-deps: installing$$missing"; \
	$(SUDO) apt-get update; \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing

# ----------------------------------------------------------------------------- checks

lint: setup ## ruff check, ruff format --check, mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup ## apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: system-deps setup lint frontend-check ## lint, then run every test (unit, integration, e2e)
	$(PYTHON) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The web UI (panel/frontend): skipped, with a note, where Node is not installed; `make run` never needs it.
# Fails when the committed build (panel/static) or generated API types (src/api) are not what the sources give.
FRONTEND := panel/frontend
frontend-check: setup ## npm ci, eslint + prettier + tsc, vitest, API types current, build equals panel/static
	@if ! command -v npm >/dev/null 2>&1; then echo "frontend-check: npm not found; skipped (panel/static is used as committed)"; exit 0; fi; \
	cd $(FRONTEND); \
	npm ci --prefer-offline --no-audit --no-fund --loglevel=error; \
	npm run --silent lint; \
	npx vitest run --reporter=dot; \
	PYTHON=$(CURDIR)/$(PYTHON) npm run --silent check:api; \
	npm run --silent build -- --logLevel error; \
	cd $(CURDIR); \
	if [ -n "$$(git status --porcelain -- panel/static)" ]; then \
	  git status --short -- panel/static | head -20; \
	  echo "frontend-check: the build differs from the committed panel/static; run 'npm run build' in $(FRONTEND) and commit it" >&2; exit 1; \
	fi

# ----------------------------------------------------------------------------- benchmarks

# Each bench/NAME.py (not _helpers.py) is run as `python bench/NAME.py --output bench/results/NAME.json`.
# Results are committed: they are the measured record.
bench: setup ## run every bench/*.py, writing bench/results/NAME.json
	@mkdir -p $(BENCH_RESULTS)
	@found=0; \
	for script in $(BENCH_DIR)/*.py; do \
	  name=$$(basename "$$script" .py); \
	  case "$$name" in _*|'*') continue;; esac; \
	  found=1; \
	  echo "bench: $$name -> $(BENCH_RESULTS)/$$name.json"; \
	  $(PYTHON) "$$script" --output "$(BENCH_RESULTS)/$$name.json"; \
	done; \
	if [ "$$found" = 0 ]; then echo "bench: no $(BENCH_DIR)/*.py yet"; fi

# ----------------------------------------------------------------------------- demo

run: setup ## redis-server, plexsim (demo library) and the panel on http://127.0.0.1:5000; Ctrl-C stops all
	KOMETA_PANEL_PORT=$(PANEL_PORT) PLEXSIM_PORT=$(PLEXSIM_PORT) $(PYTHON) -m panel.stack

run-plexsim: setup ## plexsim in the foreground on PLEXSIM_HOST:PLEXSIM_PORT (127.0.0.1:32400)
	$(PYTHON) -m plexsim serve --host $(PLEXSIM_HOST) --port $(PLEXSIM_PORT)

# ----------------------------------------------------------------------------- cleanup

clean: ## remove caches and build output (keeps .venv and data/)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist .coverage htmlcov
	find . -path ./$(VENV) -prune -o -name '*.egg-info' -prune -exec rm -rf {} + -o \
	  -name __pycache__ -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
