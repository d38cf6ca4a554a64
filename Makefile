# vss-portal: two commands on a fresh machine — `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
# pytest processes side by side (pytest-xdist; `auto`: one per core), each with its own test
# database; the transactional tests run last, in groups (tests/conftest.py, --dist
# loadgroup). `make test PYTEST_WORKERS=0` runs everything in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test install migrate seed sandbox messages worker beat vneid lint format bench bench-worklist clean check-deploy

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

messages: $(STAMP)
	$(MANAGE) compile_translations

migrate: $(STAMP)
	@mkdir -p var
	$(MANAGE) migrate --noinput -v 0

seed: migrate
	LOG_LEVEL=WARNING $(MANAGE) seed_demo

# A test partner (I-VAN), a dossier of it in every state and a new token, printed once
# (docs/api.md, "Sandbox"). Safe to repeat; development and test set-ups only.
sandbox: migrate messages
	LOG_LEVEL=WARNING $(MANAGE) sandbox

# The web server, a Celery worker, beat and the local VNeID stand-in from one command;
# Ctrl-C stops all four.
run: install messages seed
	@echo "vss-portal: http://127.0.0.1:8000 (web, worker, beat, VNeID on :8100; Ctrl-C stops all)"
	@$(BIN)/honcho -f Procfile.dev start

# The local OpenID provider standing in for VNeID (devtools/vneid/README.md), on :8100.
vneid: install
	$(PY) -m devtools.vneid --port 8100

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install messages lint
	$(MANAGE) makemigrations --check --dry-run -v 1
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

worker: install
	$(BIN)/celery -A vss_portal worker -l info

beat: install
	$(BIN)/celery -A vss_portal beat -l info

# Load (skipped when loaded), serve with gunicorn, drive every endpoint at 1 and 16
# connections beside its floors; writes docs/benchmarks.md (bench/README.md).
BENCH_1M_URL ?= postgres://postgres@127.0.0.1:5432/vss_bench_1m
BENCH_10M_URL ?= postgres://postgres@127.0.0.1:5432/vss_bench_10m
BENCH_SIZES ?= 1M 10M
bench: install messages
	@for size in $(BENCH_SIZES); do \
	  case $$size in 1M) url=$(BENCH_1M_URL); n=1000000;; 10M) url=$(BENCH_10M_URL); n=10000000;; \
	  *) echo "unknown size $$size"; exit 2;; esac; \
	  $(PY) bench/suite.py --label $$size --dossiers $$n --database $$url $(BENCH_ARGS) || exit 1; \
	done

# The worklist-only benchmark with EXPLAIN and what-if runs (DATABASE_URL must name a *bench* db).
bench-worklist: install
	$(PY) bench/run.py

check-deploy: install
	DJANGO_SETTINGS_MODULE=vss_portal.settings.production SECRET_KEY=$${SECRET_KEY:-check-deploy-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz} ALLOWED_HOSTS=portal.example.vn $(MANAGE) check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .pytest_cache
