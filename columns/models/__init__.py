from .pages import (  # noqa: F401
    TAXONOMY,
    ArticlePage,
    ArticlePageTag,
    ColumnPage,
    FixedStructurePage,
    HomePage,
    SeriesPage,
)
from .review import GroupReviewTask  # noqa: F401
from .site_settings import SiteSettings  # noqa: F401
from .taxonomy_sync import TaxonomySyncRecord  # noqa: F401
from .word_lists import CommonTypo, SensitiveWord  # noqa: F401
