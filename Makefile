# Atelier — the two commands a newcomer needs are `make demo` and `make test`.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo lets admin and head office in without an authenticator app (DEBUG
# only; production refuses it). `make demo DEMO_SKIP_2FA=0` enforces 2FA.
DEMO_SKIP_2FA ?= 1

.PHONY: demo test venv serve lint format typecheck check-deploy clean-demo messages messages-check

# The virtualenv is rebuilt when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

## demo: install, migrate, load the demo house, train, draft, score clients, suggest merges, publish one for `client`, and serve on http://127.0.0.1:8000
demo: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py train_recommender
	$(BIN)/python manage.py draft_lookbooks
	$(BIN)/python manage.py score_clients
	$(BIN)/python manage.py suggest_merges
	$(BIN)/python manage.py demo_publish
	@echo "Atelier is at http://$(HOST):$(PORT)/ — logins are in README.md (password atelier-demo)."
	ATELIER_DEMO_SKIP_2FA=$(DEMO_SKIP_2FA) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## serve: the production layout (Procfile: gunicorn+uvicorn web, two Celery workers, one beat)
## against DATABASE_URL and REDIS_URL; migrates and collects static files first.
serve: venv staticfiles/staticfiles.json
	@test -n "$$DATABASE_URL" || { echo "make serve needs DATABASE_URL (postgres://...)"; exit 2; }
	@test -n "$$REDIS_URL" || { echo "make serve needs REDIS_URL (redis://...)"; exit 2; }
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_DEBUG=$${DJANGO_DEBUG:-0} DJANGO_STATIC_MANIFEST=1 LOG_FORMAT=$${LOG_FORMAT:-json} \
		HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile

# Compressed (gzip + brotli), content-hashed static files for whitenoise; rebuilt
# only when a static file or the requirements change (compression takes minutes).
staticfiles/staticfiles.json: requirements.txt $(shell find static -type f 2>/dev/null)
	DJANGO_DEBUG=0 DJANGO_STATIC_MANIFEST=1 $(BIN)/python manage.py collectstatic --noinput -v 0

# The suite runs in one process per core (pytest-xdist), at most four: each worker has its
# own test database, Redis database and folders (clienteling/settings/parallel.py).
# `make test TEST_WORKERS=0` runs it in this one process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)

## test: the whole suite (unit, integration, browser), one process per core
test: venv
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## messages: extract the client-facing strings into locale/*/django.po and compile the .mo (docs/i18n.md)
messages: venv
	$(BIN)/python manage.py catalogues

## messages-check: list every string some language has not translated (exit 1 if any)
messages-check: venv
	$(BIN)/python manage.py catalogues --check

## lint: ruff (check + format) and the floors of docs/architecture.md (import-linter, .importlinter)
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: venv
	$(BIN)/mypy core accounts catalog clients consent stylists recommendations concierge clienteling

check-deploy: venv
	DJANGO_SETTINGS_MODULE=clienteling.settings.production \
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	DJANGO_ALLOWED_HOSTS=atelier.example.com \
	FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	FIELD_LOOKUP_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))') \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean-demo:
	rm -f var/atelier.sqlite3 var/atelier.sqlite3-wal var/atelier.sqlite3-shm
	rm -rf var/models
