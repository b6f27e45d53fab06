# Set-up installs the CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
ARTICLE ?= fixtures/dev/kazakhstan_unrest.txt
export HF_HUB_OFFLINE := 1

.PHONY: setup report test benchmark

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --upgrade pip
	$(PYTHON) -m pip install -q torch==2.13.0
	$(PYTHON) -m pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.installed

report: setup
	$(VENV)/bin/verify report $(ARTICLE)

test: setup
	$(PYTHON) -m pytest -q

benchmark: setup
	$(PYTHON) benchmarks/article_speed.py
	$(PYTHON) benchmarks/nli_speed.py
