# Two commands: `make run` and `make test`. Both work with only Python 3.11+ installed:
# without DATABASE_URL they start an embedded PostgreSQL (pgserver) under .data/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench check lint format messages clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m config.localdb --data .data/pg -- $(PY) -m config.devserver

test: $(VENV)/.installed
	$(PY) -m config.localdb --temporary -- $(PY) -m pytest $(PYTEST_ARGS)

# `make bench BENCH=booking_path` runs one section. HTTP load comes from wrk when installed
# (apt-get install wrk), else from a Python generator (bench/load/); the output says which.
bench: $(VENV)/.installed
	$(PY) -m config.localdb --temporary -- $(PY) -m bench $(BENCH)

# Lint: ruff (rules and formatting), the architecture's import contracts, no missing migration,
# every message translated into English (needs GNU gettext; no database).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -W ignore manage.py makemigrations --check --dry-run
	$(PY) -m config.i18n_check

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed
	$(PY) -m config.localdb --temporary -- $(PY) manage.py check

# Regenerate the English translations' catalogue (needs GNU gettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf .data staticfiles
