# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: install run worker serve migrate seed test test-fast test-dates e2e lint format lock check clean bench bench-200 bench-2000 load backup restore deploy-check system-check

install: $(STAMP)

$(STAMP): requirements.lock
	@$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" || { echo "Нужен Python 3.11 (python3.11 или python3 версии 3.11)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	touch $(STAMP)

# The system libraries first (Pango for PDFs, fonts): a clear message instead of a traceback at import.
system-check:
	@$(PYTHON) config/system_packages.py

migrate: system-check install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# The web server and the task worker (imports, reports, digests and the daily timetable) together; Ctrl-C stops both.
run: seed
	$(PY) manage.py run_all 127.0.0.1:8000

worker: migrate
	$(PY) manage.py run_worker

serve: install
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:8000 --workers 3

test: install
	$(VENV)/bin/pytest -n auto --dist loadgroup

test-fast: install
	$(VENV)/bin/pytest -n auto -m "not e2e"

# The suite passes on any day of the year: run it (without the browser) as if it were the first day of the
# academic year, the last day of the calendar year and a day in summer (tests/conftest.py reads TEST_TODAY).
test-dates: install
	for day in 2027-09-01 2027-12-31 2028-06-01; do \
		echo "== TEST_TODAY=$$day"; TEST_TODAY=$$day $(VENV)/bin/pytest -n auto --dist loadgroup -q -m "not e2e" || exit 1; \
	done

e2e: install
	$(VENV)/bin/pytest -m e2e

# Benchmark (not part of `make test`): a municipality of 200 organisations (PostgreSQL database mentoring_bench,
# filled once by `seed_scale --orgs 200`), then a region of 2,000 (mentoring_bench2000, `seed_scale --orgs 2000`,
# some ten minutes the first time); prints both tables side by side and writes var/bench.json.
# BENCH_DATABASE_URL and BENCH2000_DATABASE_URL override the databases; `make bench-200` / `make bench-2000` run one.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mentoring_bench
BENCH2000_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mentoring_bench2000
bench: bench-200 bench-2000

bench-200: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py --orgs 200

bench-2000: install
	DATABASE_URL=$(BENCH2000_DATABASE_URL) $(PY) bench/run.py --orgs 2000

# Load run (not part of `make test`): gunicorn (LOAD_WORKERS, default 2×cores+1) with DEBUG=0 on 127.0.0.1 against
# the PostgreSQL database mentoring_load (filled once by seed_scale), 50 locust users for 60 s (LOAD_USERS,
# LOAD_SECONDS); prints a table and adds «нагрузка: …» figures to var/bench.json. See README, «Замеры».
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mentoring_load
load: install
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) bench/load.py

# Backup of the database and the uploaded files into var/backups/<YYYYMMDD-HHMMSS>/ (pg_dump on PostgreSQL,
# dumpdata on SQLite); restore with `make restore FROM=var/backups/…` (FORCE=1 to replace existing data).
backup: install
	$(PY) manage.py backup

restore: install
	@test -n "$(FROM)" || { echo "Укажите папку копии: make restore FROM=var/backups/20260105-120000"; exit 1; }
	$(PY) manage.py restore "$(FROM)" $(if $(FORCE),--force)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

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

# The product stood up as an installation runs it (not part of `make test`; root or sudo for apt-get): nginx with
# TLS in front of gunicorn (deploy/gunicorn.conf.py) on a unix socket, the task worker, PostgreSQL (database
# mentoring_deploy), Redis — then checks through nginx, a browser journey and the load run; stops all it started.
# DEPLOY_CHECK_QUICK=1: 10 users for 10 s. See README, «Развёртывание», and deploy/check.py.
deploy-check: install
	$(PY) deploy/check.py
