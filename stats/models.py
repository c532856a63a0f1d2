"""Daily totals of reads and plays. Nothing about a reader is stored: no cookie, no address, no id."""

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
