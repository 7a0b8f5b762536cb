# Two entry points: `make demo` (platform with demo data on SQLite) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
ESMS := $(UV) run --frozen esms
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: venv demo demo-data serve test lint bench clean npm-deps

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

venv: $(UV)
	$(UV) sync --frozen --all-extras --python $(PYTHON)

demo-data: venv
	$(ESMS) migrate --noinput
	$(ESMS) collectstatic --noinput --verbosity 0
	$(ESMS) preparer_demo
	@echo "Programme national (≈ 1 400 dossiers, 21 200 ET financés ; voir docs/demo-nationale.md) : $(ESMS) demo --national"

# The web server and the background-task worker (FINESS imports uploaded from the UI) run together.
serve: venv
	$(ESMS) db_worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; $(ESMS) runserver $(HOST):$(PORT)

# The demo runs like production (DEBUG off: French error pages, static files served by WhiteNoise); set
# ESMS_DEBUG=1 with `make serve` to get Django's debug pages while developing.
demo: export ESMS_DEBUG := 0
demo: demo-data serve

lint: venv
	$(UV) run --frozen ruff check src tests benchmarks
	$(UV) run --frozen mypy

# npm packages of the tests, pinned by their package-lock.json: the OpenID provider the ProConnect tests start
# (tests/oidc, « oidc-provider ») and axe-core, injected in Chromium by the accessibility checks (tests/axe).
npm-deps:
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error && \
	  npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error; \
	else echo "npm absent : les tests ProConnect et d'accessibilité seront ignorés (installez nodejs et npm)"; fi

# Random order (pytest-random-order): modules shuffled, and the tests inside each module; the header prints
# the seed (« Using --random-order-seed=N »): rerun a failure with PYTEST_ARGS="--random-order-seed=N".
# Bucket « module » rather than « global »: module fixtures are built once per module instead of once per test.
test: venv lint npm-deps
	$(UV) run --frozen pytest -p random_order --random-order-bucket=module $(PYTEST_ARGS)

bench: venv
	$(UV) run --frozen python benchmarks/import_finess.py
	$(UV) run --frozen python benchmarks/rules.py
	$(UV) run --frozen python benchmarks/dui_actifs.py
	$(UV) run --frozen python benchmarks/bourse.py

clean:
	rm -rf .venv .tools var
