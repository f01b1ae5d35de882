# Two commands do everything on a fresh machine: `make run` and `make test`.
# PySide6 6.12 aborts on CPython 3.11 (DESIGN.md, Conventions), so prefer a Python 3.12+
# interpreter when the machine has one: on PATH, or kept by pyenv under $(pyenv root)/versions.
VENV ?= .venv
# A candidate counts only if it runs: pyenv shims exist for versions that are not selected.
PYTHON ?= $(shell for p in $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python3 2>/dev/null) \
	python3.12 python3.13 python3.14 python3; do \
	$$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
ifeq ($(PYTHON),)
PYTHON := python3
endif
STAMP := $(VENV)/.installed

.PHONY: run test bench lint screenshot clean

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/workbench $(CASE)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m tests.bench.run

lint: $(STAMP)
	$(VENV)/bin/ruff check workbench tests

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/workbench --screenshot docs/screenshot.png

clean:
	rm -rf $(VENV) build dist *.egg-info bench-results.json
