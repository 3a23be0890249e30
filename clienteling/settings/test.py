"""Test settings: the base with fast hashing and tasks run in-process.

Services follow the environment (PostgreSQL and Redis in CI), but Celery runs
eagerly so tests see a task's effects; tests that need a real worker switch it
off through the `celery_worker` fixture.
"""

from __future__ import annotations

import os

from clienteling.settings.parallel import worker_redis_url, worker_suffix

# Under `pytest -n` (pytest-xdist) each worker is a process of its own: pytest-django
# gives it its own test database; here it gets its own Redis database (the autouse
# cache.clear() flushes a whole database) and its own folders for model artifacts,
# private files and media (named by primary keys, which every worker's database reuses).
# Set before base reads the environment, so a subprocess a test starts inherits it.
if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"])

from clienteling.settings.base import *  # noqa: F403
from clienteling.settings.base import VAR_DIR

_WORKER = worker_suffix()

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MODEL_ARTIFACT_DIR = VAR_DIR / f"test-models{_WORKER}"
PRIVATE_STORAGE_ROOT = VAR_DIR / f"test-private{_WORKER}"
MEDIA_ROOT = VAR_DIR / f"test-media{_WORKER}"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MESSAGING_BACKEND = "console"
ATELIER_DEMO_SKIP_2FA = False  # tests exercise the real two-factor rules
WHITENOISE_AUTOREFRESH = True
# Every page counts its badges: a test sees each change at once and a page's query budget
# includes the count. tests/stylists/test_sidebar_badges.py turns the cache on.
SIDEBAR_BADGES_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "WARNING"},
}
