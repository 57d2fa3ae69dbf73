# Workshop: `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app wsgi
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-sqlite test-postgresql lint bench system-deps clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# The scheduler (reminders, escalations, digest, e-mail) runs beside the development server
# and stops with it.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	$(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# Debian packages the tests need: Chromium for the browser tests, PostgreSQL for the second
# run of the suite, poppler-utils to read PDFs back. Installed only when missing.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The whole suite runs twice, on SQLite and on PostgreSQL, the two passes side by side (one core
# each). The slowest parts run once each, where they find most: the Chromium journeys and the
# walks of every API operation on SQLite (the embedded default), the API fuzzing on PostgreSQL
# (its types and ranges are the stricter). The SQLite pass's report follows the PostgreSQL one.
test: system-deps $(VENV)/.installed-test lint
	@log=$$(mktemp); \
	$(BIN)/pytest -q -p no:cacheprovider -m "not fuzz" > $$log 2>&1 & sqlite=$$!; \
	WORKSHOP_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider \
	  -m "not browser and not walk"; \
	postgresql=$$?; wait $$sqlite; sqlite=$$?; \
	echo "== SQLite pass =="; cat $$log; rm -f $$log; \
	echo "== PostgreSQL pass: exit $$postgresql; SQLite pass: exit $$sqlite =="; \
	[ $$postgresql -eq 0 ] && [ $$sqlite -eq 0 ]

test-sqlite: $(VENV)/.installed-test
	$(BIN)/pytest -q -p no:cacheprovider $(ARGS)

test-postgresql: $(VENV)/.installed-test
	WORKSHOP_TEST_DATABASE=postgresql $(BIN)/pytest -q -p no:cacheprovider $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r workshop -ll

bench: system-deps $(VENV)/.installed-test
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache
