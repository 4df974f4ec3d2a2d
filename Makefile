# Trivsel. `make demo` serves a demo municipality; `make test` runs every check CI runs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEMO_EMPLOYEES ?= 5000
export PYTHONPATH := $(CURDIR)

.PHONY: install install-dev demo test lint typecheck pytest messages messages-update system-packages runtime-packages bench bench-invitations bench-survey bench-keyfigures clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# Debian packages. The app needs gettext (catalogues), Pango and a font (PDF reports with
# WeasyPrint); the checks also need Chromium (browser tests) and poppler-utils (PDF to PNG).
define install_missing
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

runtime-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fontconfig fonts-dejavu-core"; \
	$(install_missing)

system-packages: runtime-packages
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	$(install_missing)

messages: $(VENV)/.runtime runtime-packages
	@command -v msgfmt >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gettext >/dev/null; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

demo: install messages
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) seed_demo --employees $(DEMO_EMPLOYEES)
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' EXIT INT TERM; \
	$(MANAGE) db_worker >/dev/null 2>&1 & \
	$(MANAGE) advance_measurements --every 60 >/dev/null 2>&1 & \
	$(BIN)/gunicorn trivsel.wsgi --bind 127.0.0.1:8000 --workers 2 --access-logfile -

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev node_modules/.installed system-packages messages
	@$(MANAGE) shell -v0 -c "from django.db import connection; print('database:', connection.vendor)"
	TRIVSEL_TASKS_IMMEDIATE=1 $(BIN)/pytest -q

test: lint typecheck pytest

bench: $(VENV)/.runtime
	@tmp=$$(mktemp -d); \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) migrate --noinput -v0 && \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) bench_import --employees 45000; \
	status=$$?; rm -rf $$tmp; exit $$status

# Survey submissions under gunicorn on PostgreSQL (127.0.0.1:5432, user postgres): a
# temporary database, a 5,000-person demo, three timed runs, then one run with kill -9.
bench-survey: $(VENV)/.runtime messages
	@db=trivsel_bench_$$$$; export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres; \
	export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$$db TRIVSEL_DATA_DIR=$$(mktemp -d); \
	psql -q -d postgres -c "CREATE DATABASE $$db" && \
	$(MANAGE) migrate --noinput -v0 && $(MANAGE) collectstatic --noinput -v0 && \
	$(MANAGE) seed_demo --employees 5000 --no-measurements >/dev/null && \
	$(MANAGE) bench_survey --runs 3 --responses 1000 && \
	$(MANAGE) bench_survey --runs 1 --responses 1000 --kill-every 3; \
	status=$$?; psql -q -d postgres -c "DROP DATABASE $$db"; rm -rf $$TRIVSEL_DATA_DIR; exit $$status

bench-invitations: $(VENV)/.runtime
	@tmp=$$(mktemp -d); \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) migrate --noinput -v0 && \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) seed_demo --employees 45000 --no-measurements >/dev/null && \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) bench_invitations; \
	status=$$?; rm -rf $$tmp; exit $$status

# The key-figure import and monthly figures: 45,000 employees, twelve months (~500,000 spells).
bench-keyfigures: $(VENV)/.runtime
	@tmp=$$(mktemp -d); \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) migrate --noinput -v0 && \
	TRIVSEL_DATA_DIR=$$tmp $(MANAGE) bench_keyfigures --employees 45000; \
	status=$$?; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) node_modules data

# After adding or changing user-facing strings: update the Danish catalogue, then translate.
messages-update: $(VENV)/.runtime
	cd trivsel && ../$(BIN)/python ../manage.py makemessages -l da --no-obsolete
