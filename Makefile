# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test install install-dev lint check serve clean

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

check: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

clean:
	rm -rf $(VENV) var
