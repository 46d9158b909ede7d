# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test test-dates install install-dev lint check serve clean bench bench-load

# Every Django app (a directory with an apps.py): mypy checks each, new ones included.
APPS := $(sort $(patsubst %/apps.py,%,$(wildcard */apps.py)))
# Three days of another year for `make test-dates`: January, mid-year, December.
TEST_DATES ?= 2027-01-15 2027-06-30 2027-12-31

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check 'setuptools<81' wheel
	# --no-build-isolation: XStatic-Bootstrap is an sdist whose setup.py needs setuptools<81.
	$(PIP) install --quiet --disable-pip-version-check --no-build-isolation -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-build-isolation -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## make demo: install, migrate, seed the demo enterprise and serve it on SQLite.
demo: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "SPM is starting at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "API docs: http://$(HOST):$(PORT)/api/docs/"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

## make test: lint, checks, then the whole suite (full tier where PostgreSQL/Redis/Chromium exist).
test: $(VENV)/.dev check
	$(PY) -m tests.harness $(PYTEST_ARGS)

## make test-dates: the suite with the app's clock pinned to each of TEST_DATES (SPM_TODAY),
## on SQLite and then in the full tier, proving nothing depends on the real date.
test-dates: $(VENV)/.dev
	@set -e; for day in $(TEST_DATES); do \
		echo "== SPM_TODAY=$$day, SQLite"; \
		SPM_TODAY=$$day $(PY) -m pytest -q -n auto --dist loadfile -m "not browser and not services" $(PYTEST_ARGS); \
		echo "== SPM_TODAY=$$day, full tier"; \
		SPM_TODAY=$$day $(PY) -m tests.harness -q $(PYTEST_ARGS); \
	done

## make bench: every page and list endpoint per role at 100,000 employees, on a throwaway
## PostgreSQL (BENCH_ARGS=--sqlite for SQLite, --employees N for another size).
BENCH_EMPLOYEES ?= 100000
bench: $(VENV)/.dev
	$(PY) -m benchmarks.run --employees $(BENCH_EMPLOYEES) $(BENCH_ARGS)

## make bench-load KEEP=DIR: the Locust load test on a database kept by `make bench`.
bench-load: $(VENV)/.bench
	$(PY) -m benchmarks.load.run --keep $(KEEP) $(BENCH_ARGS)

$(VENV)/.bench: $(VENV)/.dev requirements-bench.txt
	$(PIP) install --quiet --disable-pip-version-check --no-build-isolation -r requirements-bench.txt
	touch $@

check: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(APPS)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) var
