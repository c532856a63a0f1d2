import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

application = get_wsgi_application()

# jieba's dictionaries take about 0.6 s to load: at start-up, not in the first reader's search.
from core.search.backend import tokenizer  # noqa: E402

tokenizer()
