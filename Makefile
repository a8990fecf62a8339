# The two commands: `make demo` and `make test`. Everything else is for contributors.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/cslab
# Tests run in parallel (one worker per CPU; a file stays on one worker for its fixtures);
# the 30 slowest are listed, so CI logs show where its time goes.
PYTEST_ARGS ?= -n auto --dist loadfile --durations=30

.PHONY: install demo dev serve worker test test-pg browser reliability lint fmt typecheck migrations-check schemathesis bench messages lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/constraints.txt
	@test -n "$(PYTHON)" || { echo "make: Python 3.11 is needed (python3.11 or python3 on PATH)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "make: Python 3.11 is needed, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	touch $(STAMP)

## make demo: migrate SQLite under var/, load the demo Lab, serve http://127.0.0.1:8000 (gunicorn + worker);
## make demo PORT=8040 serves on another port (e-mail links follow it)
demo: install
	CSLAB_DEMO=true $(BIN)/cslab migrate --noinput
	CSLAB_DEMO=true $(BIN)/cslab demo --serve $(if $(PORT),--port $(PORT))

## make dev: Django's development server with auto-reload (DEBUG on)
dev: install
	DEBUG=true $(BIN)/cslab migrate --noinput
	DEBUG=true $(BIN)/cslab demo
	DEBUG=true $(BIN)/cslab runserver 127.0.0.1:8000

## make test: the whole suite on SQLite (browser tests skip, with a reason, without Chromium)
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-pg: the suite on the local PostgreSQL (browser tests ran already under make test)
test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

browser: install
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

## make reliability: the promises of docs/reliability.md (issue 18) on the local PostgreSQL, in
## their short form (CI); make reliability FULL=1 runs them at the stated scale. A table of
## every figure ends the run and is written to var/reliability/.
reliability: install
	DATABASE_URL=$(PG_URL) RELIABILITY_SCALE=$(if $(FULL),full,short) VENV_BIN=$(BIN) \
		$(BIN)/pytest tests/reliability --reliability -n 0 --durations=0

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fmt: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: install
	$(BIN)/mypy src

migrations-check: install
	DEBUG=true $(BIN)/cslab makemigrations --check --dry-run

## make schemathesis: fuzz the API against its OpenAPI document on a scratch site (var/schemathesis/)
schemathesis: install
	VENV_BIN=$(BIN) .ci/schemathesis

## make bench: generated data, figures printed and written to var/bench/
bench: install
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[dev,bench]"
	$(BIN)/python -m benchmarks

## make messages: refresh the Dutch catalogue and compile it (needs GNU gettext)
messages: install
	cd src/cslab && DEBUG=true ../../$(BIN)/cslab makemessages -l nl --no-obsolete --ignore "*/migrations/*"
	cd src/cslab && DEBUG=true ../../$(BIN)/cslab compilemessages -l nl

## make lock: re-pin every dependency in requirements/constraints.txt
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet -e ".[dev]"
	var/lock-venv/bin/pip freeze --exclude-editable | grep -v '^cslab' > requirements/constraints.txt
	rm -rf var/lock-venv

clean:
	rm -rf $(VENV) var/static var/cache
