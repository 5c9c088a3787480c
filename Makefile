# Two entry points (see README): `make run` and `make test`. Both create .venv themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

CKAN_VENV := .venv-ckan
CKAN_REQ := tests/catalog/ckan/requirements.txt
CKAN_STAMP := $(CKAN_VENV)/.installed

.PHONY: run test lint fmt deps-system deps-js deps-ckan clean bench

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

deps-js: $(STAMP)
	@if [ -f package.json ]; then \
	  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then npm ci --no-audit --no-fund --silent; fi; \
	  $(BIN)/python -m server.assets; \
	fi

# CKAN's own DCAT parser (ckanext-dcat) for tests/catalog/test_ckan_parser.py, in its own
# environment; rebuilt only when its requirements file changes.
$(CKAN_STAMP): $(CKAN_REQ)
	rm -rf $(CKAN_VENV)
	$(PY) -m venv $(CKAN_VENV)
	$(CKAN_VENV)/bin/pip install --quiet -r $(CKAN_REQ)
	@$(CKAN_VENV)/bin/python -c "import magic" 2>/dev/null || { \
	  echo "installing Debian libmagic1 (python-magic, imported by CKAN)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libmagic1 >/dev/null; }
	touch $(CKAN_STAMP)

deps-ckan: $(CKAN_STAMP)

# Debian's Chromium for the browser tests and Virtuoso open source for the external-engine
# tests (each installed only when missing).
deps-system:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@command -v virtuoso-t >/dev/null 2>&1 || { \
	  echo "installing Debian virtuoso-opensource"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    virtuoso-opensource >/dev/null; }

run: $(STAMP) deps-js
	$(BIN)/pob serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pob.graph.turtlefmt --check

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/python -m pob.graph.turtlefmt --write

test: $(STAMP) deps-js deps-system deps-ckan lint
	$(BIN)/pytest --cov --cov-report=term

bench: $(STAMP)
	$(BIN)/python -m bench.service

clean:
	rm -rf $(VENV) $(CKAN_VENV) node_modules .pytest_cache .mypy_cache .ruff_cache var
