"""Local development: `make run` on one machine, SQLite and local files unless the environment says otherwise."""

import os

from .base import *  # noqa: F401,F403
from .base import env_list

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-7b1c0e2f9d")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# WhiteNoise serves straight from the app folders while DEBUG is on: no collectstatic in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "videos": VIDEO_STORAGE,  # noqa: F405
}
