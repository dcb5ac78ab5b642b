# The two commands a new user needs: `make run` and `make test`.
# Each sets up what it needs first; repeated runs skip what is already done.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Local development settings for `make run`; production sets its own environment.
RUN_ENV := BLOGSYNC_DEBUG=true \
	BLOGSYNC_FETCH_ALLOW_LOOPBACK=true \
	EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	BLOGSYNC_SITE_URL=http://$(HOST):$(PORT)

.PHONY: setup run test test-postgres bench lint browser clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) scripts/check_python.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

browser:
	sh scripts/ensure_chromium.sh

run: setup
	mkdir -p var/mail
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py load_initial_archive data/hub-page-2014.txt
	exec env $(RUN_ENV) $(PY) scripts/serve.py --host $(HOST) --port $(PORT)

test: setup browser
	$(PY) -m pytest $(PYTEST_ARGS)

# The same suite against PostgreSQL; DATABASE_URL may name another server.
test-postgres: setup browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/blogsync} \
		$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) bench/run.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var staticfiles
