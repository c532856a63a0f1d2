"""Where a job fair stands, from its times and its replay: pure functions, no database."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FairState(models.TextChoices):
    UPCOMING = "upcoming", _("预告")
    LIVE = "live", _("直播中")
    REPLAY = "replay", _("回放")
    ENDED = "ended", _("已结束")


def fair_state(start, end, has_replay, now):
    """预告 before the start, 直播中 from the start until the end, then 回放 once there is a replay, else 已结束."""
    if now < start:
        return FairState.UPCOMING
    if now < end:
        return FairState.LIVE
    return FairState.REPLAY if has_replay else FairState.ENDED


def next_boundary(start, end, now):
    """When the state changes by itself next: the start, then the end; None after it (a replay comes by a save)."""
    if now < start:
        return start
    if now < end:
        return end
    return None
