from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnsConfig(AppConfig):
    name = "columns"
    verbose_name = _("栏目与文章")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from .models import ArticlePage
        from .publishing import make_article_videos_public

        page_published.connect(make_article_videos_public, sender=ArticlePage)
