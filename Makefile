# Two entry points, both from a fresh clone:  `make serve`  and  `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
# nbgrader calls `alembic` from PATH when it creates a gradebook: keep the venv's bin first.
export PATH := $(BIN):$(PATH)
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test install install-test chromium hub-deps clean

serve: install            ## install, then serve the course to the demo learner
	$(BIN)/odp serve

test: install-test chromium hub-deps   ## install everything the tests need, then run them all
	$(BIN)/python -m pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

chromium:                 ## Debian's Chromium for the browser tests (never `playwright install`)
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

hub-deps: $(BIN)/python   ## what `odp hub` needs: JupyterHub (pip), its proxy (npm), PostgreSQL (Debian)
	$(BIN)/python -m pip install --quiet -e '.[hub]'
	cd course/hub/proxy && npm ci --no-audit --no-fund --loglevel=error
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql; }

clean:
	rm -rf $(VENV) .odp-data
