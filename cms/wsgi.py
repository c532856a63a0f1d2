import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

application = get_wsgi_application()

# What the first request would otherwise wait for, done while the server starts (with `gunicorn --preload`,
# once, before it listens): jieba's dictionaries (about a second) and every URLconf and view module.
import cms.urls  # noqa: E402,F401
from core.search.backend import tokenizer  # noqa: E402

tokenizer()
