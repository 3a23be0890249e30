"""Test settings: the base with fast hashing and tasks run in-process.

Services follow the environment (PostgreSQL and Redis in CI), but Celery runs
eagerly so tests see a task's effects; tests that need a real worker switch it
off through the `celery_worker` fixture.
"""

from __future__ import annotations

from clienteling.settings.base import *  # noqa: F403
from clienteling.settings.base import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
MODEL_ARTIFACT_DIR = VAR_DIR / "test-models"
PRIVATE_STORAGE_ROOT = VAR_DIR / "test-private"
MEDIA_ROOT = VAR_DIR / "test-media"
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
