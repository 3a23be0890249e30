# Atelier: one image for every process of the layout (web, worker,
# worker_long, beat); compose.yaml picks the command. Static files are
# collected (compressed, hashed) at build time.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LOG_FORMAT=json \
    DJANGO_DEBUG=0 \
    DJANGO_STATIC_MANIFEST=1 \
    DJANGO_SETTINGS_MODULE=clienteling.settings.production

# libgomp: implicit/scikit-learn; postgresql-client: pg_dump for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgomp1 postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 atelier
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=atelier:atelier . .
# collectstatic needs settings that load, not the real secrets.
RUN DJANGO_SETTINGS_MODULE=clienteling.settings.base \
    python manage.py collectstatic --noinput -v 0 \
    && mkdir -p var && chown -R atelier:atelier var staticfiles

USER atelier
EXPOSE 8000
# The web process by default; compose.yaml overrides it for the others.
CMD ["sh", "-c", "DATABASE_POOL=${WEB_DB_POOL:-8} exec gunicorn clienteling.asgi:application --worker-class uvicorn_worker.UvicornWorker --workers ${WEB_CONCURRENCY:-2} --bind 0.0.0.0:8000 --timeout 60 --graceful-timeout 20 --max-requests 5000 --max-requests-jitter 500"]
