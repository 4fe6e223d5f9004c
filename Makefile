# speech-archive: the two commands a newcomer needs, and a few more.
#
#   make site    set up .venv, convert sources/ into docs/, build site/ with `mkdocs build --strict`
#   make test    the same setup plus the test tools and Debian's chromium; ruff; every test
#   make serve   preview the archive at http://127.0.0.1:8000/ (rebuilds on change)
#   make bench   run the benchmarks in benchmarks/
#   make clean   remove what the build wrote (keeps .venv); `make distclean` removes .venv too
#
# Every step is skipped when already done: the stamp files in .venv/ remember which requirement
# files were installed, so a second `make test` starts testing at once.

PYTHON ?= python3
VENV ?= .venv
# The sources folder; mkdocs.yml reads the same ARCHIVE_SOURCES variable.
SOURCES ?= $(or $(ARCHIVE_SOURCES),sources)
DOCS ?= docs
SITE ?= site
REPORT ?= build/report.json
# Extra options for the converter (e.g. CONVERT_ARGS="--strict --jobs 2") and for pytest
# (e.g. PYTEST_ARGS="-n auto" or PYTEST_ARGS="-k browser").
CONVERT_ARGS ?=
PYTEST_ARGS ?=
SERVE_ADDRESS ?= 127.0.0.1:8000
# Python 3.11's bundled pip (23.2) cannot resolve lxml's extras; the venv gets this one first.
PIP_VERSION ?= 26.3
# Debian packages the tests need: chromium and CJK fonts for the browser tests, LibreOffice for the
# .doc/.wps/.rtf/.odt tests. `make test SKIP_SYSTEM_PACKAGES=1` skips installing them
# (the browser and LibreOffice tests then skip, or fail under CI=true).
TEST_DEBIAN_PACKAGES ?= chromium fonts-noto-cjk libreoffice-writer-nogui
SKIP_SYSTEM_PACKAGES ?=

BIN := $(VENV)/bin
# -qq: only errors (this keeps machine-specific index notices out of the output).
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq
# Material prints a banner about its successor on every build; it is not a warning about this site.
export NO_MKDOCS_2_WARNING := 1
# MkDocs' hooks import the converter: from this checkout, whatever copy the environment has installed.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.DEFAULT_GOAL := help
.PHONY: help site convert build serve test lint format system-packages bench clean distclean

help:
	@echo "make site    convert $(SOURCES)/ and build the archive site into $(SITE)/"
	@echo "make test    run ruff and every test (installs what is missing)"
	@echo "make serve   preview the site at http://$(SERVE_ADDRESS)/"
	@echo "make bench   run the benchmarks"
	@echo "make clean   remove build output (distclean also removes $(VENV))"

# ------------------------------------------------------------------ environment

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	    echo "speech-archive needs Python 3.11 or newer, and '$(PYTHON)' is not (or is missing)."; \
	    echo "Install python3.11, or point make at one: make site PYTHON=/path/to/python3.11"; exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	    rm -rf $(VENV); \
	    echo "'$(PYTHON) -m venv' failed: Debian keeps venv in a separate package."; \
	    bash scripts/ensure_debian_packages.sh python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	@echo "Installing the runtime requirements into $(VENV)"
	@$(PIP) install pip==$(PIP_VERSION)
	@$(PIP) install -r requirements.txt
	@$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	@echo "Installing the test requirements into $(VENV)"
	@$(PIP) install -r requirements-dev.txt
	@touch $@

system-packages:
ifeq ($(SKIP_SYSTEM_PACKAGES),)
	@bash scripts/ensure_debian_packages.sh $(TEST_DEBIAN_PACKAGES)
else
	@echo "Skipping the Debian packages ($(TEST_DEBIAN_PACKAGES)): browser and LibreOffice tests may skip."
endif

# ------------------------------------------------------------------ the site

convert: $(VENV)/.installed
	@mkdir -p $(dir $(REPORT))
	$(BIN)/python -m converter convert $(SOURCES) $(DOCS) --report $(REPORT) $(CONVERT_ARGS)

build: convert
	$(BIN)/mkdocs build --strict --site-dir $(SITE)

site: build
	@echo ""
	@echo "The archive site is in $(CURDIR)/$(SITE)/ (conversion report: $(REPORT))."
	@echo "Preview it with 'make serve', then open http://$(SERVE_ADDRESS)/"
	@echo "Publish it by copying $(SITE)/ to any static web host."

serve: convert
	$(BIN)/mkdocs serve --dev-addr $(SERVE_ADDRESS)

# ------------------------------------------------------------------ checks

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Lint problems do not stop the tests from running; either one fails the target.
test: $(VENV)/.installed-dev system-packages
	@lint=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || lint=1; \
	echo "$(BIN)/ruff format --check ."; $(BIN)/ruff format --check . || lint=1; \
	echo "$(BIN)/python -m pytest $(PYTEST_ARGS)"; \
	$(BIN)/python -m pytest $(PYTEST_ARGS) || exit $$?; \
	[ $$lint -eq 0 ] || { echo "ruff found problems (above): run 'make format' and fix the rest."; exit 1; }

bench: $(VENV)/.installed-dev
	@set -e; found=; for script in benchmarks/*.py; do \
	    [ -f "$$script" ] || continue; found=1; \
	    echo "== $$script"; $(BIN)/python "$$script"; \
	done; [ -n "$$found" ] || echo "No benchmarks in benchmarks/."

# ------------------------------------------------------------------ cleaning

clean:
	rm -rf $(SITE) build $(DOCS)/speeches $(DOCS)/originals $(DOCS)/media $(DOCS)/.speech-archive.json
	rm -rf .pytest_cache .ruff_cache .hypothesis *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
