# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the tests need: a PostgreSQL server, the browser, LibreOffice to recalculate our Excel
# files, pdftotext to read our PDFs back, xmllint as the Noark 5 benchmark's reference, a TTF font, and a
# Redis server for the validation queue's Redis configuration.
TEST_DEBS := postgresql chromium libreoffice-calc-nogui poppler-utils libxml2-utils fonts-dejavu-core redis-server

.PHONY: run test check lint audit install install-test system-deps bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml setup.py tender/core/noark/_records.c
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,redis]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, migrate the SQLite database in instance/, load the demo when empty, print how to build
## its later stages (tender demo --stage ...), serve on :5000
run: install
	$(BIN)/tender db upgrade
	$(BIN)/tender demo --if-empty
	@echo "Demoen kan bygges videre (stopp serveren først; hvert trinn tar med trinnene før):"
	@echo "  $(BIN)/tender demo --stage prequalification  # prekvalifisering: seks forespørsler, fire invitert, brevene laget"
	@echo "  $(BIN)/tender demo --stage published   # godkjent og kunngjort, modellen låst, de fire inviterte kan gi tilbud"
	@echo "  $(BIN)/tender demo --stage bids        # fire leverte tilbud med Noark 5-prøver, fristen ute, ikke åpnet"
	@echo "  $(BIN)/tender demo --stage scored      # åpnet, minstekrav vurdert, poeng og konsensus: en vinner"
	$(BIN)/tender serve --host 127.0.0.1 --port 5000

## make test: install what the tests need, lint, audit the dependencies, then the whole suite on SQLite and on
## PostgreSQL, side by side (tools/test_suites.sh; TEST_SERIAL=1 runs one after the other)
test: install-test system-deps lint audit
	BIN=$(BIN) tools/test_suites.sh

## make lint: ruff's rules and its formatting (pyproject.toml [tool.ruff]) over the whole tree
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make audit: pip-audit over the installed dependencies (tools/dependency_audit.py): fails on a known
## vulnerability with a fixed version; reports one without a fix, and what it could not reach (offline), without
## failing (AUDIT_STRICT=1 makes "not audited" fail too)
audit: install-test
	$(BIN)/python tools/dependency_audit.py

## make check: the fast loop (about two minutes): lint, mypy --strict on the pure core, the core's tests
check: lint
	$(BIN)/mypy
	$(BIN)/pytest -p no:cacheprovider -q tests/core tests/test_core_is_pure.py tests/test_domain_layers.py tests/test_transactions_structure.py

system-deps:
	@missing=""; \
	for pkg in $(TEST_DEBS); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## make bench: the benchmarks in benchmarks/, each printing ratios against a reference from the same run
bench: install-test system-deps
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info

## make translations: the English catalogue of the vendors' pages (tender.i18n, docs/i18n.md): extract the
## marked Norwegian texts, merge them into tender/translations/en/LC_MESSAGES/messages.po, compile the .mo
translations: install-test
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k N_ --no-location --sort-output --omit-header -o tender/translations/messages.pot .
	$(BIN)/pybabel update -i tender/translations/messages.pot -d tender/translations -l en --no-fuzzy-matching --ignore-obsolete -w 110
	$(BIN)/pybabel compile -d tender/translations -l en --statistics
	rm tender/translations/messages.pot
