# Two commands do all set-up on a fresh machine:
#   make run   - virtualenv, install, migrate, seed, and serve at http://127.0.0.1:8000 (SQLite,
#                or PostgreSQL when DATABASE_URL is set)
#   make test  - the whole test suite (same database rule)
#   make bench - the benchmark at 100,000 commitments, server throughput, then the register sync
#                at scale (PostgreSQL)
#   make serve - production: migrate, collect static files, serve with gunicorn

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Local development defaults; production sets DJANGO_DEBUG=0 and its own secret key.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test install lint check bench bench-sync messages serve sync alerts

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(PY) manage.py migrate --no-input
	$(DEV_ENV) $(PY) manage.py seed
	@echo
	@echo "To sign in at http://127.0.0.1:8000/admin/ as a researcher, create an account:"
	@echo "    $(DEV_ENV) $(PY) manage.py create_researcher YOUR_NAME"
	@echo "It prints a new random password once."
	@echo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Production (README, Deployment): debug off; DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS come
# from the environment. gunicorn's settings are in tracker/gunicorn.conf.py.
serve: $(STAMP)
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then \
		echo "make serve: DJANGO_SECRET_KEY is not set. Set it to a long random string," \
			"e.g. the output of: $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; \
		exit 1; fi
	@if [ -z "$$DJANGO_ALLOWED_HOSTS" ]; then \
		echo "make serve: DJANGO_ALLOWED_HOSTS is not set. Set it to the site's host names," \
			"comma-separated, e.g. tracker.example.org" >&2; \
		exit 1; fi
	DJANGO_DEBUG=0 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=0 $(PY) manage.py collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=0 exec $(BIN)/gunicorn -c tracker/gunicorn.conf.py

# The suite is spread over the machine's CPUs (pytest-xdist), each process with its own test
# database. PYTEST_ARGS replaces that: make test PYTEST_ARGS="tests/test_sync.py -x"
PYTEST_ARGS ?= -n auto --dist worksteal

# pytest exits 5 when it collects no tests; that is reported, not treated as a crash.
test: $(STAMP)
	@$(DEV_ENV) $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 0; fi; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(STAMP)
	$(DEV_ENV) $(PY) manage.py check
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run

# Needs a local PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/tracker_bench);
# writes bench-results.json and benchmarks/latest.md, then serves that database with gunicorn
# to 20 concurrent clients (bench-throughput.json, benchmarks/throughput-latest.md). See
# benchmarks/README.md.
bench: $(STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)
	$(PY) -m benchmarks.throughput
	$(PY) -m benchmarks.sync_scale

# The register sync at scale: 10,000 toezeggingen and 20,000 motions as register pages, synced
# into SYNC_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench_sync).
bench-sync: $(STAMP)
	$(PY) -m benchmarks.sync_scale

messages: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemessages -l nl --no-obsolete --ignore=.venv
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv

# The daily register sync, for cron: new and changed records, then the letters' texts.
sync: $(STAMP)
	$(PY) manage.py sync_tk
	$(PY) manage.py fetch_letter_texts

# The daily e-mail digest, for cron: what changed since each subscriber's last digest.
alerts: $(STAMP)
	$(PY) manage.py send_alerts
