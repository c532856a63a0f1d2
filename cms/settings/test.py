"""The test suite: fast hashing, no real mail, tasks run in the test process unless a test asks for the queue."""

import os
from pathlib import Path

# Each pytest-xdist worker keeps its files (SQLite database, media, videos, scratch) in a folder of
# its own: video folders are named by primary key, and every worker's database counts from 1. Worker
# processes a test starts inherit the variable, and so the same folder.
if (xdist_worker := os.environ.get("PYTEST_XDIST_WORKER")) and "UMC_VAR_DIR" not in os.environ:
    os.environ["UMC_VAR_DIR"] = str(Path(__file__).resolve().parents[2] / "var" / f"test-{xdist_worker}")

from .base import *  # noqa: E402,F401,F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24="]  # test only: a Fernet key anyone can read
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "videos": VIDEO_STORAGE,  # noqa: F405
}
# Tasks run inline, except in worker processes a test starts itself (UMC_TASKS=database).
if os.environ.get("UMC_TASKS") != "database":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "video"]}}

# A file, not memory, for SQLite: worker processes started by tests must see the same database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405

# One process: memory is enough, and nothing cached survives into the next run.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "umc-test"},
    "counting": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "umc-test-counting"},
}
