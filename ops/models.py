from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_ATTEMPTS = 5  # a backup whose worker died is resumed, but not forever


class BackupRun(models.Model):
    """A backup a worker makes (one a day from the scheduler, or 「立即备份」): its progress for the
    admin, and the claim that keeps two workers from making it at once and lets another resume it."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("定时")
        MANUAL = "manual", _("手动")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    location = models.CharField(_("备份位置"), max_length=500, blank=True)  # blank: BACKUP_LOCATION
    lane = models.CharField(max_length=10, default="backups", editable=False)  # see Meta.constraints
    day = models.DateField(_("日期"), null=True, blank=True, unique=True)  # a scheduled one: one a day, all machines
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    worker = models.CharField(max_length=300, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    share_done = models.FloatField(_("进度"), default=0)
    current = models.CharField(_("正在处理"), max_length=300, blank=True)
    backup_id = models.CharField(_("备份编号"), max_length=40, blank=True)
    files = models.PositiveIntegerField(_("文件数"), default=0)
    total_bytes = models.BigIntegerField(_("总字节"), default=0)
    new_bytes = models.BigIntegerField(_("新写入字节"), default=0)
    pruned = models.CharField(_("按保留规则删除的备份"), max_length=500, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("备份")
        verbose_name_plural = _("备份")
        ordering = ["-created_at"]
        constraints = [  # one at a time, on every machine: two would interleave their journals and prunes
            models.UniqueConstraint(
                fields=["lane"], condition=models.Q(status__in=["pending", "running"]), name="one_backup_at_a_time"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def percent(self):
        return round(self.share_done * 100)

    @classmethod
    def in_progress(cls):
        """Queued or running: a second backup into the same location at once would interleave their journals."""
        return cls.objects.filter(status__in=(cls.Status.PENDING, cls.Status.RUNNING))

    @classmethod
    def stalled(cls):
        """Running, but its worker has been silent too long: it died, and the scheduler puts the backup back."""
        silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS)
        return cls.objects.filter(status=cls.Status.RUNNING, heartbeat_at__lt=silent)

    def claim(self, worker):
        """Take this backup for `worker` if it waits: one conditional UPDATE, so two workers cannot both win."""
        now = timezone.now()
        won = BackupRun.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
            status=self.Status.RUNNING,
            worker=worker,
            heartbeat_at=now,
            started_at=now,
            attempts=models.F("attempts") + 1,
            error="",
        )
        if won:
            self.refresh_from_db()
        return bool(won)

    def beat(self, **progress):
        """Show progress and say this worker still holds the backup; False once another took it over."""
        return bool(
            BackupRun.objects.filter(pk=self.pk, worker=self.worker, status=self.Status.RUNNING).update(
                heartbeat_at=timezone.now(), **progress
            )
        )

    @classmethod
    def lost(cls):
        """Queued long ago and never started: its task was lost (a crash between the commit and the queue)."""
        queued_before = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_SECONDS)
        return cls.objects.filter(status=cls.Status.PENDING, created_at__lt=queued_before, started_at=None)

    def finish(self, **outcome):
        BackupRun.objects.filter(pk=self.pk, worker=self.worker).update(finished_at=timezone.now(), **outcome)
