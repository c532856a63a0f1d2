from .pages import (  # noqa: F401
    TAXONOMY,
    ArticlePage,
    ArticlePageTag,
    ColumnPage,
    FixedStructurePage,
    HomePage,
    SeriesPage,
    TaxonomySyncRecord,
)
from .review import GroupReviewTask  # noqa: F401
from .scheduling import SchedulerLease  # noqa: F401
from .word_lists import CommonTypo, SensitiveWord  # noqa: F401
