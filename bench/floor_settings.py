"""The bench's floor: production settings with the article template cut down to the page's title.

Serving an article with it costs what Wagtail and Django spend before any template work (the
middleware, routing, the article's own query), so no uncached page can come out faster on this stack.
"""

from pathlib import Path

from cms.settings.production import *  # noqa: F401,F403
from cms.settings.production import TEMPLATES

TEMPLATES[0]["DIRS"] = [Path(__file__).with_name("floor_templates"), *TEMPLATES[0]["DIRS"]]
