# Kontoflöde: `make run` serves the app with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app web
KONTOFLODE := $(BIN)/kontoflode
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test setup migrate demo lint bench browser-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The compare page's bundle (bpmn-js-differ and bpmn-moddle) built by esbuild into the
# git-ignored build/ folder; rebuilt when a source or an npm package changes.
COMPARE_BUNDLE := build/assets/compare.js
$(COMPARE_BUNDLE): node_modules/.installed $(wildcard web/assets/compare/*.js)
	npm run --silent build:compare -- --log-level=warning

# The draft editor (bpmn-js's Modeler and our panels) bundled by esbuild into the git-ignored
# build/ folder; rebuilt when a source or an npm package changes.
EDITOR_BUNDLE := build/editor/modeler.js
$(EDITOR_BUNDLE): node_modules/.installed $(wildcard web/assets/editor/*.js)
	npm run --silent build:editor -- --log-level=warning

setup: $(VENV)/.installed node_modules/.installed $(EDITOR_BUNDLE) $(COMPARE_BUNDLE)

migrate: setup
	$(BIN)/alembic upgrade head

# Deploys the processes and creates the demo organisation (both idempotent).
demo: migrate
	$(KONTOFLODE) demo

# Served as production does: gunicorn with WORKERS worker processes (each builds its own app
# and database engine), the timer worker beside it. A local demo over plain http: session
# cookies without the Secure flag (production keeps it). The development server: `flask run`.
# The demo's clock is on (an admin moves it forward at /admin/clock); the web workers and the
# timer worker read its offset from the database. Production never sets KONTOFLODE_DEMO_CLOCK.
run: demo
	@echo "Serving Kontoflöde at http://$(HOST):$(PORT) (the worker running beside it; Ctrl-C stops both)"
	@KONTOFLODE_DEMO_CLOCK=1 $(KONTOFLODE) worker --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	KONTOFLODE_DEMO_CLOCK=1 KONTOFLODE_INSECURE_COOKIES=1 $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) web.wsgi:app

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
browser-deps:
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@[ -x $(CHROMIUM) ] || echo "note: $(CHROMIUM) is missing, so the browser tests will be skipped"

lint: setup
	$(BIN)/ruff check .

# The whole suite on SQLite; again on PostgreSQL when TEST_DATABASE_URL names one.
test: setup browser-deps lint
	TEST_DATABASE_URL= $(BIN)/pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL: $$TEST_DATABASE_URL"; \
		$(BIN)/pytest -q tests/integration tests/web; \
	fi

# The HTTP benchmark runs on SQLite, and again on PostgreSQL when BENCH_DATABASE_URL names one
# (it wipes that database).
bench: setup
	$(BIN)/python -m bench.bench_complete_task
	$(BIN)/python -m bench.bench_review_cycles
	$(BIN)/python -m bench.bench_inbox
	$(BIN)/python -m bench.bench_inbox_scale
	$(BIN)/python -m bench.bench_checkpoint
	$(BIN)/python -m bench.bench_check
	BENCH_DATABASE_URL= $(BIN)/python -m bench.bench_http
	@if [ -n "$$BENCH_DATABASE_URL" ]; then \
		echo "== bench_http on PostgreSQL: $$BENCH_DATABASE_URL"; \
		$(BIN)/python -m bench.bench_http; \
	fi

clean:
	rm -rf $(VENV) node_modules build .pytest_cache .ruff_cache test-output
