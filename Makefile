# phutho.intranet: `make run` starts the demo portal, `make test` runs the suite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP_VERSION := 25.3
PORT ?= 8080
HOST ?= 127.0.0.1
# The province's time zone for the whole process, before anything imports
# DateTime (zope.conf's <environment> comes too late for it).
TZ := Asia/Ho_Chi_Minh
export PORT HOST TZ

INSTANCE := var/instance
TESTRUNNER_ARGS ?=

.PHONY: help run install install-test install-lint system-deps instance site test lint format bench clean cluster cluster-stop cluster-status cluster-migrate

help:
	@echo "make run    install, create the demo site and serve it on http://localhost:$(PORT)/Plone"
	@echo "make test   install what the tests need and run the whole suite"
	@echo "make lint   check imports, formatting, flake8, spelling and XML layout"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q "pip==$(PIP_VERSION)"

# Reinstall when the pins or the package metadata change.
$(VENV)/.installed: $(BIN)/python setup.py constraints.txt
	$(BIN)/pip install -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -c constraints.txt -e ".[test]"
	touch $@

$(VENV)/.installed-lint: $(VENV)/.installed
	$(BIN)/pip install -c constraints.txt -e ".[lint]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

# Debian programs the tests drive (headless Chromium); installed as root.
system-deps:
	bash scripts/system-deps.sh

instance: install
	$(BIN)/python scripts/instance.py --host $(HOST) --port $(PORT)

site: instance
	$(BIN)/zconsole run $(INSTANCE)/etc/zope.conf scripts/create_site.py

# The mail-in ingester (phutho-mailin) listens beside the portal on
# MAILIN_HOST:MAILIN_PORT and stops with it.
MAILIN_HOST ?= 127.0.0.1
MAILIN_PORT ?= 8025
MAILIN_CONFIG ?= var/mailin.cfg
export MAILIN_HOST MAILIN_PORT MAILIN_CONFIG

# The edXML exchange pickup (scripts/exchange_pickup.py) runs beside the
# portal every EXCHANGE_EVERY seconds: it imports the agencies' exchange
# folders below EXCHANGE_DIR (none unless set: `make run EXCHANGE_DIR=...`)
# and resends held outbox items. It signs in as admin (ADMIN_PASSWORD).
EXCHANGE_DIR ?=
EXCHANGE_EVERY ?= 60
ifneq ($(EXCHANGE_DIR),)
export PHUTHO_EXCHANGE_DIR := $(abspath $(EXCHANGE_DIR))
endif
PORTAL_URL := http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)/$${SITE_ID:-Plone}

# The ingester calls the portal make run serves (var/mailin.cfg keeps the
# address of the first start; PORT, HOST or SITE_ID may differ since).
run: site
	@MAILIN_PORTAL_URL="$(PORTAL_URL)" $(BIN)/phutho-mailin --config $(MAILIN_CONFIG) & mailin=$$!; \
	ADMIN_PASSWORD="$${ADMIN_PASSWORD:-admin}" $(BIN)/python scripts/exchange_pickup.py \
		--url "$(PORTAL_URL)" --user admin --every $(EXCHANGE_EVERY) & pickup=$$!; \
	trap 'kill $$mailin $$pickup 2>/dev/null; wait $$mailin $$pickup 2>/dev/null' EXIT INT TERM; \
	$(BIN)/runwsgi $(INSTANCE)/etc/zope.ini

# Several instances on RelStorage behind HAProxy (docs/operations.md):
# `make cluster` starts PostgreSQL (a throw-away one in var/cluster unless
# PG_DSN is set), INSTANCES Zope instances, HAProxy on PORT, the mail-in
# ingester, the reading worker and the exchange pickup, and returns;
# `make cluster` again restarts what stopped; `make cluster-stop` stops all.
INSTANCES ?= 2
export INSTANCES
$(VENV)/.installed-relstorage: $(VENV)/.installed
	$(BIN)/pip install -c constraints.txt -e ".[relstorage]"
	touch $@

cluster: $(VENV)/.installed-relstorage system-deps
	$(BIN)/python scripts/cluster.py start

cluster-stop:
	$(BIN)/python scripts/cluster.py stop

cluster-status:
	$(BIN)/python scripts/cluster.py status

# The FileStorage site of var/ (make run's, stopped) into the cluster's
# database, files included; then `make cluster`.
cluster-migrate: $(VENV)/.installed-relstorage system-deps
	$(BIN)/python scripts/cluster.py migrate

test: install-test
	$(BIN)/zope-testrunner --path=tests --tests-pattern='^test_' --all -v $(TESTRUNNER_ARGS)

# The checks of plone/meta: import order, formatting, flake8, spelling,
# ZCML/GenericSetup XML layout. `make format` rewrites what can be.
PY_SOURCES := src tests scripts bench setup.py
XML_SOURCES = $(shell git ls-files 'src/*.zcml' 'src/*/profiles/*.xml')
lint: $(VENV)/.installed-lint
	$(BIN)/isort --check-only $(PY_SOURCES)
	$(BIN)/black --check --quiet $(PY_SOURCES)
	$(BIN)/flake8 $(PY_SOURCES)
	$(BIN)/codespell src tests scripts bench docs README.md
	$(BIN)/zpretty --check $(XML_SOURCES)
	$(BIN)/python scripts/i18n.py --check

format: $(VENV)/.installed-lint
	$(BIN)/isort --quiet $(PY_SOURCES)
	$(BIN)/black --quiet $(PY_SOURCES)
	$(BIN)/zpretty -i $(XML_SOURCES)

# Benchmarks print figures; they are not tests. COUNT=1000 for a quick look.
COUNT ?= 100000
bench: install
	$(BIN)/python scripts/instance.py --var bench/var --port 8099
	$(BIN)/zconsole run bench/var/instance/etc/zope.conf bench/bench_documents.py --count $(COUNT)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
