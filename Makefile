# Quick start: `make run` and `make test`. Both create .venv and install the package first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run figures test build lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# Build the assignments from the masters, grade the bundled sample submissions, print the gradebook.
run: setup
	$(VENV)/bin/mbrl-course run

figures: setup
	$(PY) -m mbrl_ref reproduce fig8.2 --runs 30 --json build/fig8_2.json --plot build/fig8_2.png

test: setup
	$(PY) -m pytest -q -n 2

build: setup
	$(VENV)/bin/mbrl-course build

# Lint src/, tests/, bench/ and the generated test files; check formatting (see pyproject.toml).
lint: setup
	$(VENV)/bin/ruff check
	$(VENV)/bin/ruff format --check

bench: setup
	$(PY) bench/fig8_2.py
	$(PY) bench/notebooks.py
	$(PY) bench/checks.py
	$(PY) bench/grading.py

clean:
	rm -rf build .pytest_cache
