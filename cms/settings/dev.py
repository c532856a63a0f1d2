"""Local development: `make run` on one machine, SQLite and local files unless the environment says otherwise."""

import os
import secrets

from cryptography.fernet import Fernet

from .base import *  # noqa: F401,F403
from .base import VAR_DIR, env_bool, env_list


def installation_secret_key(path, make=lambda: secrets.token_urlsafe(50)):
    """A key of this installation's own, made on its first start and kept in var/ (never in the repository).

    Web, worker and scheduler start together: the first to link its key in place wins, the others read it.
    """
    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(make())
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


# Readers of `make run` see the site's own error pages; Django's technical ones only when asked for.
DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or installation_secret_key(VAR_DIR / "secret-key.txt")
# Channel secrets in the database (core/encryption.py): this installation's own key unless the environment gives keys.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS") or [
    installation_secret_key(VAR_DIR / "field-encryption-key.txt", make=lambda: Fernet.generate_key().decode())
]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "*")

# WhiteNoise serves straight from the app folders, as they are now, DEBUG or not: no collectstatic in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded images and documents in var/media/ come from the app itself (cms/urls.py); never in production.
SERVE_MEDIA = True

# Mail (workflow notifications, password resets) is written to var/mail/, one file per sending: no mail server needed.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"
BACKUP_LOCATION = os.environ.get("BACKUP_LOCATION") or str(VAR_DIR / "backups")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "videos": VIDEO_STORAGE,  # noqa: F405
}
