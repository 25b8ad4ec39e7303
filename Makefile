# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: install run serve migrate seed test test-fast e2e lint format lock check clean bench

install: $(STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Нужен Python 3.11 (python3.11 или python3 версии 3.11)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

serve: install
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn mentoring.wsgi --bind 127.0.0.1:8000 --workers 3

test: install
	$(VENV)/bin/pytest -n auto --dist loadgroup

test-fast: install
	$(VENV)/bin/pytest -n auto -m "not e2e"

e2e: install
	$(VENV)/bin/pytest -m e2e

# Benchmark at municipal scale (not part of `make test`): PostgreSQL database mentoring_bench, filled once by
# `seed_scale --orgs 200`; prints a table and writes var/bench.json. BENCH_DATABASE_URL overrides the database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mentoring_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock: install
	$(PIP) install --quiet -r requirements.in
	( echo "# Exact versions installed by \`make install\`. Regenerate with \`make lock\` after editing requirements.in."; \
	  $(PIP) freeze --exclude-editable ) > requirements.lock

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var/static .pytest_cache
