"""A fair crossing its start or its end changes every list that shows it (预告 → 直播中 → 回放), and
the series' pinned block and counts: the scheduler bumps their cache tags as it happens."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from columns.cache_rules import on_page_changed

SEEN_UNTIL = "jobfairs:boundaries-seen-until"
LOOK_BACK = timedelta(minutes=2)  # without a record (a first run, a cache emptied): a pass or two


def bump_crossed_boundaries(now=None):
    from .models import JobFairPage

    now = now or timezone.now()
    since = cache.get(SEEN_UNTIL) or now - LOOK_BACK
    crossed = JobFairPage.objects.live().filter(Q(start_at__gt=since, start_at__lte=now) | Q(end_at__gt=since, end_at__lte=now))
    fairs = list(crossed.only("pk", "path", "depth"))
    for fair in fairs:
        on_page_changed(JobFairPage, fair)
    cache.set(SEEN_UNTIL, now, None)
    return _("招聘会开播或结束：%(count)d 场，已刷新其列表") % {"count": len(fairs)} if fairs else ""
