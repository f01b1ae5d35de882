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

.PHONY: run test bench lint screenshot briefing-pages clean package package-test icons interop interop-tools

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/workbench $(CASE)

# The suite runs on every core (pytest-xdist; worksteal evens out the long fuzz and crash tests): about
# 13 minutes of CPU, so a 2-core machine runs it in half that.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -q -n auto --dist worksteal

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m tests.bench.run

# ruff (style, SLF001: no private member used from outside its class) and the import contracts
# of pyproject.toml (core imports no Qt; no SQL in the UI; importers and exporters apart; layers).
lint: $(STAMP)
	$(VENV)/bin/ruff check workbench tests
	$(VENV)/bin/lint-imports

# Issue 22: every export checked by the tool that receives it (README, "Tested with"). The tools:
# Chromium, LibreOffice Calc and GDAL/OGR (issue 26: GeoJSON, KML) from the system's packages,
# TimelineJS from the npm registry into build/timelinejs (not committed); each installed only where missing.
TIMELINEJS_VERSION := 3.9.11
TIMELINEJS_JS := build/timelinejs/node_modules/@knight-lab/timelinejs/dist/js/timeline.js

interop-tools: $(STAMP)
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		missing=""; \
		command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
		dpkg -s libreoffice-calc >/dev/null 2>&1 || missing="$$missing libreoffice-calc"; \
		command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
		command -v ogr2ogr >/dev/null 2>&1 || missing="$$missing gdal-bin"; \
		if [ -n "$$missing" ]; then apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi; \
	fi
	@test -f $(TIMELINEJS_JS) || { command -v npm >/dev/null 2>&1 && mkdir -p build/timelinejs && \
		npm install --silent --no-audit --no-fund --ignore-scripts --prefix build/timelinejs \
		@knight-lab/timelinejs@$(TIMELINEJS_VERSION); } || echo "interop: TimelineJS not installed (no npm)"

interop: interop-tools
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest -q tests/test_interop*.py

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/workbench --screenshot docs/screenshot.png

# The README's deck pages: the sample's PDF deck drawn by poppler, its PowerPoint deck by LibreOffice.
briefing-pages: $(STAMP)
	rm -rf build/briefing && mkdir -p build/briefing
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -c 'from workbench.core.sample import build_sample_case; build_sample_case("build/briefing/sample.case").close()'
	for fmt in pdf pptx; do QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m workbench.cli export build/briefing/sample.case --format $$fmt --out build/briefing/deck.$$fmt; done
	soffice -env:UserInstallation=file://$(CURDIR)/build/briefing/profile --headless --convert-to pdf --outdir build/briefing/libreoffice build/briefing/deck.pptx >/dev/null
	pdftoppm -r 96 -f 5 -l 5 -singlefile -png build/briefing/deck.pdf docs/briefing
	pdftoppm -r 96 -f 6 -l 6 -singlefile -png build/briefing/libreoffice/deck.pdf docs/briefing-pptx
	pdftoppm -r 96 -f 9 -l 9 -singlefile -png build/briefing/libreoffice/deck.pdf docs/briefing-pptx-sources

# Packaging (packaging/README.md): `make package` builds dist/case-workbench/ (PyInstaller, one folder),
# its tarball, and the wheel and sdist; `make package-test` runs the built artefacts.
PACKAGE_STAMP := $(VENV)/.installed-package
# Shared libraries Qt's xcb and wayland plugins load, bundled so the app runs on a desktop that
# lacks them; desktop-file-utils validates the .desktop file, appstream the metainfo.
PACKAGE_DEBS := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
	libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxkbcommon-x11-0 libwayland-cursor0 libwayland-egl1 \
	desktop-file-utils appstream shared-mime-info
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' workbench/__init__.py)

$(PACKAGE_STAMP): $(STAMP) pyproject.toml
	$(VENV)/bin/python -m pip install --quiet -e '.[test,package]'
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		missing=""; for deb in $(PACKAGE_DEBS); do dpkg -s $$deb >/dev/null 2>&1 || missing="$$missing $$deb"; done; \
		if [ -n "$$missing" ]; then apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi; \
	fi
	@touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	rm -rf build/pyinstaller dist
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/case-workbench.spec
	$(VENV)/bin/python -m build --outdir dist . >build/python-build.log 2>&1 || { tail -40 build/python-build.log; exit 1; }
	tar -czf dist/case-workbench-$(VERSION)-linux-$$(uname -m).tar.gz -C dist case-workbench
	@du -sh dist/case-workbench dist/*.tar.gz dist/*.whl

package-test: $(PACKAGE_STAMP)
	$(VENV)/bin/python packaging/smoke_test.py

icons: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python packaging/render_icons.py

clean:
	rm -rf $(VENV) build dist *.egg-info bench-results.json
