"""Daily totals of reads and plays. No cookie, no address, no id is stored: only, while the cache is down, hashes salted per day."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    class Kind(models.TextChoices):
        PAGE = "page", _("阅读")
        VIDEO = "video", _("播放")

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("对象"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("每日统计")
        verbose_name_plural = _("每日统计")
        constraints = [models.UniqueConstraint(fields=["day", "kind", "object_id"], name="one_count_per_day")]
        indexes = [models.Index(fields=["kind", "day"])]

    def __str__(self):
        return f"{self.day} {self.kind} {self.object_id}: {self.count}"


class SeenReader(models.Model):
    """Today's tally under one salted hash (a reader of an item, an address on an item, an address), kept here
    only while the cache cannot be reached: how often it was counted and when last. No address, no browser."""

    day = models.DateField(_("日期"))
    digest = models.CharField(_("摘要"), max_length=32)
    hits = models.PositiveIntegerField(_("计入次数"), default=1)
    last_at = models.DateTimeField(_("最近计入"))

    class Meta:
        verbose_name = _("当日读者摘要")
        verbose_name_plural = _("当日读者摘要")
        constraints = [models.UniqueConstraint(fields=["day", "digest"], name="one_seen_reader_per_day")]

    def __str__(self):
        return f"{self.day} {self.digest}: {self.hits}"
