# Two commands on a fresh machine: `make run` serves the site, `make test` runs the suite.
# Both build the same environment: a virtualenv from requirements.lock (exact pins with
# hashes) and Bootstrap's CSS from package-lock.json.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/pilaro
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: help install browser proxy run demo serve serve-tls worker test check lint format lock collectstatic audit bench screenshots

help:
	@echo "make run     - development server at http://127.0.0.1:8000/ (SQLite unless DATABASE_URL is set)"
	@echo "make test    - lint and the whole test suite, on PostgreSQL, in parallel"
	@echo "make check   - the in-process tests only (no browser, no servers): for the edit-test loop"
	@echo "make demo    - a demo inbox for make run: a saksbehandler login and example enquiries"
	@echo "make serve   - gunicorn with production settings (needs DJANGO_SECRET_KEY, PILARO_PERSON_HASH_KEY, PILARO_FIELD_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL)"
	@echo "make serve-tls - make serve behind nginx (deploy/), https://localhost:8443, self-signed, with the worker"
	@echo "make worker  - the job worker (staff e-mail, nightly purge), beside make serve, same environment"
	@echo "make screenshots - regenerate docs/screenshots/ in Chromium"
	@echo "make bench   - benchmarks (several minutes): bench/results.json, docs/performance.md"
	@echo "make audit   - known vulnerabilities in requirements.lock and package-lock.json"
	@echo "make lock    - re-resolve requirements.lock from pyproject.toml"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock's own pip first, by its hashes: the pip a new venv brings (23.2 with Python
# 3.11.7) refuses the lock once a package that another asks for with extras
# (pip-audit: CacheControl[filecache]) has a release newer than the locked one.
$(VENV)/.installed: requirements.lock | $(BIN)/python
	awk '/^pip==/{p=1} p{print} p&&/# via/{exit}' requirements.lock > $(VENV)/pip.lock
	if [ -s $(VENV)/pip.lock ]; then $(BIN)/pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.lock; fi
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for Bootstrap's CSS: apt-get install -y npm"; exit 1; }
	npm ci --ignore-scripts --omit=peer --no-audit --no-fund --loglevel=error
	touch $@

# Our bokmål translations of the admin strings Django leaves in English (locale/).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
locale/%.mo: locale/%.po
	@command -v msgfmt >/dev/null || { \
	  echo "Installing gettext (msgfmt) for the translations"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; } \
	  || { echo "msgfmt is missing and could not be installed: apt-get install gettext"; exit 1; }; }
	msgfmt --check --output-file=$@ $<

install: $(VENV)/.installed node_modules/.package-lock.json $(MESSAGES)

# Debian's Chrome headless shell for the browser tests and Lighthouse (no browser can be
# downloaded by Playwright): the full browser's engine at half its CPU (tests/browser/conftest.py).
HEADLESS_SHELL := /usr/bin/chromium-headless-shell
browser:
	@test -x $(HEADLESS_SHELL) || { \
	  echo "Installing Debian's chromium-headless-shell for the browser tests"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null; } \
	  || { echo "Chromium is missing and could not be installed: apt-get install chromium-headless-shell"; exit 1; }; }

# Debian's nginx, the production front (deploy/): `make serve-tls` and the proxy tests run
# the real binary. Debian's testssl.sh grades its TLS (tests/site/test_proxy_edge.py):
# sslyze, the PyPI scanner, pins a cryptography older than the one django-otp-webauthn needs.
NGINX ?= /usr/sbin/nginx
TESTSSL ?= /usr/bin/testssl
proxy:
	@test -x $(NGINX) || { \
	  echo "Installing Debian's nginx for the proxy tests and make serve-tls"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; } \
	  || { echo "nginx is missing and could not be installed: apt-get install nginx-light"; exit 1; }; }
	@test -x $(TESTSSL) || { \
	  echo "Installing Debian's testssl.sh for the proxy's TLS test"; \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh >/dev/null; } \
	  || { echo "testssl.sh is missing and could not be installed: apt-get install testssl.sh"; exit 1; }; }

# Collected again only when a source changed: collecting rewrites every file, and a server
# or a test reading them meanwhile could see a half-written one.
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STATIC_SOURCES) $(VENV)/.installed node_modules/.package-lock.json
	$(MANAGE) collectstatic --noinput --verbosity 0
	touch $@

collectstatic: install $(STATIC_MANIFEST)

# Development: links in e-mails point at RUN_ADDR, and staff e-mail (new enquiries,
# reminders) goes to a stand-in address, printed on the console unless EMAIL_URL is set.
DEV_NOTIFY_EMAILS := ansatte@localhost
run demo: export DJANGO_DEBUG ?= 1
run demo: export PILARO_SITE_URL ?= http://$(RUN_ADDR)
demo: export RUN_ADDR := $(RUN_ADDR)
run: export PILARO_NOTIFY_EMAILS ?= $(DEV_NOTIFY_EMAILS)
# migrate skips the system checks here: the notice versions it would warn about are
# recorded by sync_notices next, and runserver checks everything before it serves.
run: install
	$(MANAGE) migrate --noinput --verbosity 0 --skip-checks
	$(MANAGE) sync_notices
	@echo "Serving the site at http://$(RUN_ADDR)/ (admin at http://$(RUN_ADDR)/$${DJANGO_ADMIN_PATH:-intern/})"
	@if [ -z "$${EMAIL_URL:-}" ]; then \
	  echo "Staff e-mail is printed here, not sent: to $${PILARO_NOTIFY_EMAILS:-nobody (PILARO_NOTIFY_EMAILS is empty)}"; \
	fi
	@echo "For a demo inbox, in another terminal: make demo RUN_ADDR=$(RUN_ADDR)"
	@# On PostgreSQL a job worker runs beside the server and stops with it; on SQLite
	@# jobs run in the server's own process (jobs/queue.py).
	@if [ -n "$${DATABASE_URL:-}" ]; then \
	  echo "Starting the job worker beside the server"; \
	  $(MANAGE) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  $(MANAGE) runserver $(RUN_ADDR); \
	else \
	  echo "No DATABASE_URL: jobs (staff e-mail) run in the server's own process"; \
	  exec $(MANAGE) runserver $(RUN_ADDR); \
	fi

# A demo inbox for `make run` (development only): a saksbehandler login and made-up
# enquiries; it prints where to log in.
demo: install
	$(MANAGE) migrate --noinput --verbosity 0 --skip-checks
	$(MANAGE) sync_notices
	$(MANAGE) demo

# Migrations as the schema's owner (DATABASE_OWNER_URL; README, "Database roles"), which then
# grants the runtime role (DATABASE_URL) its rights; with one role, as that one.
MIGRATE_AS_OWNER = PILARO_DB_AS_OWNER=1 $(MANAGE) migrate --noinput --verbosity 0

serve: export DJANGO_DEBUG := 0
serve: collectstatic
	$(MANAGE) check --deploy --database default --fail-level ERROR
	$(MIGRATE_AS_OWNER)
	$(MANAGE) sync_notices
	exec $(BIN)/gunicorn -c gunicorn.conf.py

# `make serve` behind nginx as in production, on one machine: https://localhost:8443 with a
# self-signed certificate (deploy/serve_tls.py). Same environment as `make serve`.
serve-tls: export DJANGO_DEBUG := 0
serve-tls: export DJANGO_BEHIND_TLS_PROXY := 1
serve-tls: export PILARO_TRUSTED_PROXIES := 1
serve-tls: export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1
serve-tls: export PILARO_SITE_URL ?= https://localhost:8443
serve-tls: collectstatic proxy
	$(MANAGE) check --deploy --database default --fail-level ERROR
	$(MIGRATE_AS_OWNER)
	$(MANAGE) sync_notices
	exec $(BIN)/python -m deploy.serve_tls

# The job worker, with the same environment and checks as `make serve`; run it beside
# gunicorn (on one machine or several: no job ever runs twice).
worker: export DJANGO_DEBUG := 0
worker: install
	$(MANAGE) check --deploy --database default --fail-level ERROR
	$(MIGRATE_AS_OWNER)
	exec $(MANAGE) worker

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Python's bytecode cache on for the tests, whatever the shell says. Where the environment
# sets PYTHONDONTWRITEBYTECODE (this project's machines do), nothing was ever cached: each
# of the hundred servers and commands a run starts compiled the project's modules again
# (0.1 s of CPU each), and each test process rewrote every test module again at collection
# (5.6 s of CPU against 3.6 with the cache). (__pycache__/ is in .gitignore.)
test check: export PYTHONDONTWRITEBYTECODE :=

# Every test, in parallel (pytest-xdist, each process with its own test database). Four
# processes on two cores: the browser, server and slow tiers spend much of their time
# waiting on the processes they start. A module stays on one process (--dist loadscope),
# so the servers a module starts for its tests start once.
TEST_PROCESSES ?= 4
test: export DATABASE_URL ?= $(TEST_DATABASE_URL)
test: export DJANGO_SETTINGS_MODULE := tests.settings
test: lint browser proxy collectstatic
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist loadscope

# The in-process tier: everything but the browser, server and slow tests (tests/tiers.py).
CHECK_PROCESSES ?= 2
check: export DATABASE_URL ?= $(TEST_DATABASE_URL)
check: export DJANGO_SETTINGS_MODULE := tests.settings
check: collectstatic
	$(BIN)/pytest -n $(CHECK_PROCESSES) -m "not browser and not server and not slow"

# The README's screenshots, from the real site in Chromium.
screenshots: export DATABASE_URL ?= $(TEST_DATABASE_URL)
screenshots: export DJANGO_SETTINGS_MODULE := tests.settings
screenshots: collectstatic browser
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest -q tests/browser/test_screenshots.py

# Benchmarks: gunicorn with production settings on loopback, against a throw-away
# PostgreSQL database (BENCH_DATABASE_URL, default pilaro_bench), wrk and an async
# generator for load. Writes bench/results.json; see docs/performance.md.
bench: install proxy
	$(BIN)/python -m bench.run

# Known vulnerabilities in the locked dependencies. Exit 2 means no vulnerability service
# answered (nothing was checked); .ci/run reports that loudly rather than calling it clean.
audit: install
	$(BIN)/python scripts/audit_dependencies.py

lock:
	$(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet uv
	.lock-venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --no-header --quiet -o requirements.lock
	rm -rf .lock-venv
	npm install --package-lock-only --ignore-scripts
