# Two entry points, both from a fresh clone:
#   make demo   crawl the bundled offline sample site (installs newsarchive into .venv)
#   make test   run the whole test suite (installs test tools and services it needs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install services clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/newsarchive demo

services:
	bash tests/tools/services.sh

test: install services
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) demo-out .pytest_cache
