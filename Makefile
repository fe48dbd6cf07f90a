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

# The review page's end-to-end tests drive Debian's Chromium (playwright cannot download browsers
# here). Installed once, quietly; skipped when /usr/bin/chromium exists.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "need $(CHROMIUM): install chromium" >&2; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

setup: $(STAMP)

# Build the assignments from the masters, grade the bundled sample submissions, print the gradebook.
run: setup
	$(VENV)/bin/mbrl-course run

figures: setup
	$(PY) -m mbrl_ref reproduce fig8.2 --runs 30 --json build/fig8_2.json --plot build/fig8_2.png

# The tests also need Chromium (the review page is tested in a real browser).
test: setup $(CHROMIUM)
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
	$(PY) bench/review.py

clean:
	rm -rf build .pytest_cache
