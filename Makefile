# newslens course: every target sets up .venv itself (from the pinned requirements.txt) on first use.
#
#   make handouts   execute the course and write HTML handouts to build/handouts/ (the main job)
#   make test       run the whole test suite (lint included)
#   make lab        open the course in JupyterLab at its first notebook
#   make exercises  regenerate exercises/ and solutions/ from instructors/exercise_sources/
#   make start      copy the exercises into my-work/ for a student to work in (never overwrites)
#   make grade SUBMISSIONS=<folder>   grade a class's submitted notebooks into build/grades/
#   make bench      time the handout build against the plain way and the floor
#   make bench-hub  measure a class on a local JupyterHub (memory per student, the heaviest lesson at once)
#
# Maintainers only: make lock (re-pin requirements.txt, needs network), make geodata (rebuild data/geo).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CHP_VERSION := 5.3.0
export PATH := $(abspath $(VENV))/bin:$(PATH)
# Matplotlib and Jupyter keep caches and config in the home folder; the course keeps them in the venv.
export MPLCONFIGDIR := $(abspath $(VENV))/mplconfig
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: handouts test lint lab exercises start grade bench bench-hub lock geodata clean setup

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
	  || { echo "newslens needs Python 3.10 or newer; found: $$($(PYTHON) --version 2>&1). Try: make PYTHON=python3.11 ..."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@# JupyterHub's proxy, for the class-server test and make bench-hub (tests/test_class_server.py), from npm.
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@$(CHP_VERSION); \
	else echo "npm not found: the class-server test will be skipped (install Node.js and npm, then make setup)"; fi
	@mkdir -p $(MPLCONFIGDIR)
	@touch $(STAMP)
	@echo "Environment ready in $(VENV)."

handouts: $(STAMP)
	$(PY) -m newslens handouts

# ruff reads every Python file and notebook of the repository (pyproject.toml excludes only build/, .venv/
# and my-work/); mypy checks the whole package, the public API strictly.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: $(STAMP) lint
	$(PY) -m pytest -n 2 --dist loadfile

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(LAB_ROOT_FLAG) notebooks/00_setup_check.ipynb

exercises: $(STAMP)
	$(PY) -m newslens exercises

start: $(STAMP)
	$(PY) -m newslens start

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=<folder of submitted notebooks>"; exit 2; }
	$(PY) -m newslens grade "$(SUBMISSIONS)"

bench: $(STAMP)
	$(PY) -m newslens bench

# A real JupyterHub on this machine: memory of a student's server, the heaviest lesson for 1, 4 and 8 students.
bench-hub: $(STAMP)
	$(PY) -m newslens.tools.hubbench

# Maintainers: re-pin every dependency for Python 3.10 to 3.13 at once (needs uv and the network).
lock:
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.10 --no-header --no-annotate \
	  -o requirements.txt

# Maintainers: rebuild data/geo from the registry packages (see data/geo/README.md).
geodata: $(STAMP)
	$(PY) scripts/build_geodata.py

clean:
	rm -rf build
