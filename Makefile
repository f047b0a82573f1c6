# Running Form Lab — the index of what a contributor can do.
#   make lab     set up (if needed) and open the course in JupyterLab
#   make test    set up (if needed), then lint, type-check and run the whole test suite
#   make bench   run the benchmarks (python -m benchmarks)
# Uses the active virtualenv/conda environment if there is one, otherwise creates .venv here.

SHELL := /bin/bash
.DEFAULT_GOAL := help

ifneq ($(VIRTUAL_ENV)$(CONDA_PREFIX),)
  PYTHON ?= python
  ENV_DIR := $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))
else
  ENV_DIR := .venv
  PYTHON := .venv/bin/python
endif
STAMP := $(ENV_DIR)/.running-form-lab-installed
SOURCES := pyproject.toml CMakeLists.txt widgets/web/package-lock.json $(wildcard core/*.cpp core/*.hpp)
PORT ?= 8888
PYTEST_ARGS ?=

.PHONY: help lab test lint typecheck pytest nodetest bench install build clean models

help:
	@sed -n '2,5p' Makefile | sed 's/^# //'

$(ENV_DIR)/bin/python:
	python3 -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 is required, found " + sys.version' \
	  && python3 -m venv $(ENV_DIR)

# Editable install: Python edits take effect at once; `make build` recompiles the C++ core.
$(STAMP): $(SOURCES) | $(ENV_DIR)/bin/python
	$(PYTHON) -m pip install --upgrade "pip>=23" "scikit-build-core>=0.10" "nanobind>=2.4"
	$(PYTHON) -m pip install --no-build-isolation -e ".[test,dev]"
	$(PYTHON) -m ipykernel install --sys-prefix --name python3 >/dev/null
	# the pose runtime the browser runs (PoseCamera(inference="browser")), pinned by the lock file
	cd widgets/web && npm ci --no-audit --no-fund
	touch $(STAMP)

install: $(STAMP)

build: | $(ENV_DIR)/bin/python
	$(PYTHON) -m pip install --no-build-isolation --no-deps -e . -q
	touch $(STAMP)

# Run as root (containers, cloud notebooks), `python -m course lab` adds --allow-root, which
# JupyterLab needs to start as root, and prints one line saying so; for other users it does not.
lab: install
	$(PYTHON) -m course lab --port $(PORT)

lint: install
	$(PYTHON) -m ruff check course widgets tests benchmarks lessons
	$(PYTHON) -m ruff format --check course widgets tests benchmarks

typecheck: install
	$(PYTHON) -m mypy

pytest: install
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# The widgets' browser modules: a syntax check of each, then their unit tests with Node's
# built-in runner (no npm packages).
nodetest:
	for f in widgets/static/*.js; do node --check "$$f" || exit 1; done
	node --test widgets/static/tests/*.test.mjs

test: lint typecheck nodetest pytest

bench: install
	$(PYTHON) -m benchmarks

models: install
	$(PYTHON) -m course models

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
