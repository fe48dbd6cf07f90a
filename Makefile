# Quick start: `make run` and `make test`. Both create .venv and install the package first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run run-all figures check test build lint bench audit clean

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

# The Slurm test (tests/course/grading/test_slurm.py) starts a real single-node cluster from Debian's
# packages. Installed once, quietly; skipped when the daemons exist.
SLURM := /usr/sbin/slurmctld /usr/sbin/slurmd /usr/sbin/munged

$(SLURM) &:
	@command -v apt-get >/dev/null || { echo "need $(SLURM): install slurm-wlm munge" >&2; exit 1; }
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq slurm-wlm munge >/dev/null

setup: $(STAMP)

# Build the assignments from the masters, grade a representative handful of the bundled samples
# (one correct, one buggy, one malformed, one hostile per notebook), print the gradebook.
run: setup
	$(VENV)/bin/mbrl-course run --quick

# The same with every sample (295 submissions, four deliberate infinite loops and four hangs).
run-all: setup
	$(VENV)/bin/mbrl-course run

figures: setup
	$(PY) -m mbrl_ref reproduce fig8.2 --runs 30 --json build/fig8_2.json --plot build/fig8_2.png

# The quick loop while changing code: every test not marked slow (no notebook executed, no real
# submission graded, no build), about a minute on a quiet 2-core machine. CI runs `make test`.
check: setup
	$(PY) -m pytest -q -n 2 -m "not slow"

# The tests also need Chromium (the review page is tested in a real browser) and Slurm (the
# README's sbatch script runs on a real cluster). Two workers, handed one test at a time,
# longest first (tests/conftest.py), so that both finish together.
test: setup $(CHROMIUM) $(SLURM)
	$(PY) -m pytest -q -n 2 --maxschedchunk 1

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
	$(PY) bench/similarity.py
	$(PY) bench/report.py
	$(PY) bench/audit.py
	$(PY) bench/rpc.py
	$(PY) bench/slurm.py
	$(PY) bench/backup.py
	$(PY) bench/hang.py

# Mutation-test the hidden tests and grade the correct variants (about 30 min with 2 jobs);
# writes audit/REPORT.md, audit/report.json and audit/SURVIVORS-*.md (commit them).
audit: setup
	$(VENV)/bin/mbrl-course audit --jobs 2

clean:
	rm -rf build .pytest_cache
