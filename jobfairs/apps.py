from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobFairsConfig(AppConfig):
    name = "jobfairs"
    verbose_name = _("招聘直播")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published

        from columns import listings
        from columns.models import SeriesPage
        from core import demo, scheduler
        from core.page_cache import register_filter_keys

        from .boundaries import bump_crossed_boundaries
        from .cache_rules import bump_fair_of_moment, bump_fairs_of_employer
        from .demo import load_fairs
        from .filters import FILTER_KEYS
        from .models import FAIR_SERIES, Employer, JobFairPage, PositionMoment
        from .moments import moments_for_new_replays, times_from_presses
        from .roles import grant_job_fair_permissions

        # Series take fairs too (only 招聘直播 in fact: JobFairPage.can_exist_under); said here, as
        # columns knows no app above it. Before Wagtail first reads and keeps the list.
        SeriesPage.subpage_types = [*SeriesPage.subpage_types, "jobfairs.JobFairPage"]
        listings.register(JobFairPage, only_in_series=[FAIR_SERIES])
        post_save.connect(bump_fair_of_moment, sender=PositionMoment)
        post_delete.connect(bump_fair_of_moment, sender=PositionMoment)
        post_save.connect(bump_fairs_of_employer, sender=Employer)
        page_published.connect(times_from_presses, sender=JobFairPage)  # a replay chosen: its chapters at once
        register_filter_keys(*FILTER_KEYS)
        grant_job_fair_permissions()
        scheduler.register("fair_boundaries", bump_crossed_boundaries)
        scheduler.register("shelf_times", moments_for_new_replays)
        demo.register("job_fairs", load_fairs, order=40)  # after the videos (20): an ended fair shows the replay
