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

.PHONY: help run install install-test system-deps instance site test bench clean

help:
	@echo "make run    install, create the demo site and serve it on http://localhost:$(PORT)/Plone"
	@echo "make test   install what the tests need and run the whole suite"

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

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

# Debian programs the tests drive (headless Chromium); installed as root.
system-deps:
	bash scripts/system-deps.sh

instance: install
	$(BIN)/python scripts/instance.py --host $(HOST) --port $(PORT)

site: instance
	$(BIN)/zconsole run $(INSTANCE)/etc/zope.conf scripts/create_site.py

run: site
	$(BIN)/runwsgi $(INSTANCE)/etc/zope.ini

test: install-test
	$(BIN)/zope-testrunner --path=tests --tests-pattern='^test_' --all -v $(TESTRUNNER_ARGS)

# Benchmarks print figures; they are not tests. COUNT=1000 for a quick look.
COUNT ?= 100000
bench: install
	$(BIN)/python scripts/instance.py --var bench/var --port 8099
	$(BIN)/zconsole run bench/var/instance/etc/zope.conf bench/bench_documents.py --count $(COUNT)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
