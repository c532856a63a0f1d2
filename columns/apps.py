from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ColumnsConfig(AppConfig):
    name = "columns"
    verbose_name = _("栏目与文章")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageLogEntry, PageViewRestriction, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from core import demo, scheduler
        from media_center.clips import clip_approved

        from . import cache_rules, listings, people
        from .demo import load_articles, place_videos
        from .models import ArticlePage, SiteSettings
        from .publishing import (
            make_approved_clip_public,
            mark_unreviewed_publication,
            withdraw_restricted_videos,
        )
        from .roles import grant_editorial_permissions
        from .scheduling import publish_due

        clip_approved.connect(make_approved_clip_public)
        post_save.connect(mark_unreviewed_publication, sender=PageLogEntry)
        page_published.connect(cache_rules.on_page_changed)
        page_unpublished.connect(cache_rules.on_page_changed)
        post_delete.connect(cache_rules.on_page_changed, sender=Page)
        listings.register(ArticlePage)
        post_page_move.connect(cache_rules.on_page_moved)
        post_save.connect(cache_rules.on_site_settings_saved, sender=SiteSettings)
        post_save.connect(cache_rules.on_view_restriction_changed, sender=PageViewRestriction)
        post_save.connect(withdraw_restricted_videos, sender=PageViewRestriction)  # after the bump above
        post_delete.connect(cache_rules.on_view_restriction_changed, sender=PageViewRestriction)
        post_save.connect(cache_rules.on_site_changed, sender=Site)
        post_delete.connect(cache_rules.on_site_changed, sender=Site)

        grant_editorial_permissions()
        scheduler.register("publish_due", publish_due)
        demo.register("articles", load_articles, order=10)
        demo.register("article_videos", place_videos, order=30)  # after media_center's videos (20)
        people.install()
