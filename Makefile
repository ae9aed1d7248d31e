# Two commands do all set-up on a fresh machine:
#   make run   - virtualenv, install, migrate, seed, and serve at http://127.0.0.1:8000 (SQLite,
#                or PostgreSQL when DATABASE_URL is set)
#   make test  - the whole test suite (same database rule)
#   make bench - the benchmark at 100,000 commitments, then the register sync at scale (PostgreSQL)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Local development defaults; production sets DJANGO_DEBUG=0 and its own secret key.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test install lint check bench bench-sync messages

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
# writes bench-results.json and benchmarks/latest.md. See benchmarks/README.md.
bench: $(STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)
	$(PY) -m benchmarks.sync_scale

# The register sync at scale: 10,000 toezeggingen and 20,000 motions as register pages, synced
# into SYNC_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/tracker_bench_sync).
bench-sync: $(STAMP)
	$(PY) -m benchmarks.sync_scale

messages: $(STAMP)
	$(DEV_ENV) $(PY) manage.py makemessages -l nl --no-obsolete --ignore=.venv
	$(DEV_ENV) $(PY) manage.py compilemessages --ignore=.venv
