# `make run` and `make test` each bootstrap everything from nothing (Python 3.11+ with venv, make).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck catalogs extract-catalogs install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Compiled .mo files are built here, never committed; they ship inside the installed package.
catalogs: $(STAMP)
	$(BIN)/python -m locales compile

# Re-extract the strings from the code into locales/vi/LC_MESSAGES/messages.po.
extract-catalogs: $(STAMP)
	$(BIN)/python -m locales extract

run: catalogs
	$(BIN)/python -m bot up

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: catalogs lint typecheck
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info
