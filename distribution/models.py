"""Publishing to the outside channels: the union's accounts there, the rules that send items by
themselves, and one row per item (a clip, or a page such as an article or a job fair) sent to an
account (a distribution), which posts exactly once.

A distribution records what it is about to do before it does it (`create_started_at`, the caption
sent) and what came of it after (`item_id`): after a crash between the two, the runner asks the
channel instead of posting again (runner.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.encryption import EncryptedTextField


def stale_after():
    """A distribution whose worker has been silent this long is taken back (its worker died)."""
    return timedelta(seconds=settings.DISTRIBUTION_STALE_SECONDS)


RENEWALS_ALLOWED = 5  # Douyin renews a refresh token at most five times; then a person authorises again


class Channel(models.TextChoices):
    DOUYIN = "douyin", _("抖音")
    WECHAT = "wechat", _("微信公众号")
    CHANNELS = "channels", _("微信视频号")


CLIP_CHANNELS = (Channel.DOUYIN, Channel.CHANNELS)  # carry vertical clips
PAGE_CHANNELS = (Channel.WECHAT,)  # carry articles
OAUTH_CHANNELS = (Channel.DOUYIN,)  # connected by a person's consent; WeChat by its app secret alone
MANUAL_CHANNELS = (Channel.CHANNELS,)  # no posting API: an export package, posted by hand


class ChannelAccount(models.Model):
    """An account of the union on a channel, with the app it posts through. Secrets are stored encrypted
    (core.encryption) and never shown back."""

    channel = models.CharField(_("平台"), max_length=20, choices=Channel.choices, default=Channel.DOUYIN)
    name = models.CharField(_("账号名称"), max_length=100, help_text=_("如：淮安市总工会抖音号"))
    client_key = models.CharField(
        _("应用 ID"), max_length=100, blank=True, help_text=_("抖音填 Client Key，公众号填 AppID；视频号不需要")
    )
    client_secret = EncryptedTextField(_("应用密钥"), blank=True)
    open_id = models.CharField(_("授权账号 open_id"), max_length=100, blank=True, editable=False)
    scope = models.CharField(_("授权范围"), max_length=300, blank=True, editable=False)
    access_token = EncryptedTextField(blank=True, editable=False)
    access_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    refresh_token = EncryptedTextField(blank=True, editable=False)
    refresh_expires_at = models.DateTimeField(_("授权有效期至"), null=True, blank=True, editable=False)
    renewals = models.PositiveSmallIntegerField(_("续期次数"), default=0, editable=False)
    connected_at = models.DateTimeField(_("授权时间"), null=True, blank=True, editable=False)
    auth_problem = models.CharField(_("授权问题"), max_length=500, blank=True, editable=False)
    # What an administrator must set up on the channel's side (IP whitelist, verification): a task until done.
    config_problem = models.CharField(_("待管理员处理"), max_length=1000, blank=True, editable=False)
    config_problem_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("平台账号")
        verbose_name_plural = _("平台账号")
        ordering = ["channel", "name"]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.name}"

    @property
    def is_connected(self):
        return bool(self.access_token and self.open_id) and not self.auth_problem

    @property
    def needs_oauth(self):
        return self.channel in OAUTH_CHANNELS

    @property
    def carries_clips(self):
        return self.channel in CLIP_CHANNELS

    @property
    def carries_pages(self):
        return self.channel in PAGE_CHANNELS

    def auth_state(self, now=None):
        """未授权, 需要重新授权 (with the reason), 即将需要重新授权 or 已授权: what the admin shows."""
        now = now or timezone.now()
        if self.config_problem:
            return _("需要管理员配置")
        if self.channel in MANUAL_CHANNELS:
            return _("人工发布")
        if not self.needs_oauth:
            return _("已配置") if self.client_key and self.client_secret else _("未配置")
        if not self.refresh_token or not self.open_id:
            return _("未授权")
        if self.auth_problem or (self.refresh_expires_at and self.refresh_expires_at <= now):
            return _("需要重新授权")
        if self.renewals >= RENEWALS_ALLOWED:  # the last refresh token lives its 30 days: then a person authorises
            return _("即将需要重新授权")
        return _("已授权")


class DistributionRule(models.Model):
    """Every item of this column or series (or a series under the column) goes to the account once it may:
    a clip when 终审 approves it (Douyin, 视频号), an article or a job fair when it is published where
    anyone may read it (公众号)."""

    section = models.ForeignKey("wagtailcore.Page", verbose_name=_("栏目或系列"), on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ChannelAccount, verbose_name=_("发布到"), on_delete=models.CASCADE, related_name="rules")
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("自动发布规则")
        verbose_name_plural = _("自动发布规则")
        constraints = [models.UniqueConstraint(fields=["section", "account"], name="one_rule_per_section_and_account")]

    def __str__(self):
        return f"{self.section} → {self.account}"


class DistributionQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting rows whose time has come, and running ones whose worker went silent."""
        now = now or timezone.now()
        waiting = Q(status__in=Distribution.WAITING, next_try_at__lte=now)
        stalled = Q(status__in=Distribution.WORKING, heartbeat_at__lt=now - stale_after())
        return self.filter(waiting | stalled, active=True)


class Distribution(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        UPLOADING = "uploading", _("上传中")
        CREATING = "creating", _("发布中")
        UNDER_REVIEW = "under_review", _("平台审核中")
        MANUAL = "manual", _("待人工发布")
        PUBLISHED = "published", _("已发布")
        REMOVED = "removed", _("已被平台移除")
        RETRYING = "retrying", _("等待重试")
        NEEDS_AUTH = "needs_auth", _("需要重新授权")
        NEEDS_CONFIG = "needs_config", _("需要管理员配置")
        FAILED = "failed", _("发布失败")
        UNKNOWN = "unknown", _("状态不明，请人工核对")
        CANCELLED = "cancelled", _("已取消")

    WAITING = (Status.QUEUED, Status.RETRYING, Status.UNDER_REVIEW)  # the runner takes them when next_try_at comes
    WORKING = (Status.UPLOADING, Status.CREATING)  # a worker holds them (heartbeat)
    FINAL = (Status.PUBLISHED, Status.REMOVED, Status.FAILED, Status.UNKNOWN, Status.CANCELLED)

    # The item: a clip, or a page (an article, a job fair); exactly one of the two.
    video = models.ForeignKey(
        "media_center.Video",
        verbose_name=_("短视频"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="distributions",
    )
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("文章"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    account = models.ForeignKey(
        ChannelAccount, verbose_name=_("平台账号"), on_delete=models.PROTECT, related_name="distributions"
    )
    active = models.BooleanField(default=True, editable=False)  # False once 重新发布 made a newer row
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    caption = models.CharField(_("标题与话题"), max_length=1000, blank=True, help_text=_("留空则用短视频的标题和 #话题"))
    # A page's title and digest for this channel, where they differ from the page's own.
    title = models.CharField(_("平台标题"), max_length=200, blank=True, help_text=_("留空则用文章标题"))
    digest = models.CharField(_("平台摘要"), max_length=500, blank=True, help_text=_("留空则用文章摘要"))
    allow_shortening = models.BooleanField(
        _("超出字数时自动截断"), default=False, help_text=_("不勾选时，超长的标题或摘要会被退回，由编辑改写")
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("最近的错误"), blank=True)
    error_code = models.CharField(_("平台错误码"), max_length=40, blank=True)
    warnings = models.TextField(_("提醒"), blank=True)
    worker = models.CharField(max_length=200, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)
    upload_state = models.JSONField(default=dict, blank=True, editable=False)  # the channel's resumable upload
    bytes_sent = models.BigIntegerField(default=0, editable=False)
    bytes_total = models.BigIntegerField(default=0, editable=False)
    # The intent to create the post, recorded before the call: when, and with which caption.
    create_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_caption = models.CharField(max_length=1000, blank=True, editable=False)
    item_id = models.CharField(_("平台作品 ID"), max_length=256, blank=True)  # 视频号 feed ids run past 100
    share_url = models.URLField(_("作品链接"), max_length=500, blank=True)
    plays = models.PositiveIntegerField(_("播放"), null=True, blank=True)
    likes = models.PositiveIntegerField(_("点赞"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("评论"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("分享"), null=True, blank=True)
    statistics_at = models.DateTimeField(_("数据更新于"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("视频号：人工发布后确认的人"),
    )  # fmt: skip
    rule = models.ForeignKey(
        DistributionRule, verbose_name=_("规则"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DistributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("分发")
        verbose_name_plural = _("分发")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_page", _("发布文章和招聘会到公众号"))]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "account"], condition=Q(active=True), name="one_active_distribution_per_item_and_account"
            ),
            models.UniqueConstraint(
                fields=["page", "account"], condition=Q(active=True), name="one_active_distribution_per_page_and_account"
            ),
            models.CheckConstraint(
                condition=Q(video__isnull=False, page__isnull=True) | Q(video__isnull=True, page__isnull=False),
                name="distribution_of_one_item",
            ),
        ]

    def __str__(self):
        return f"{self.item} → {self.account}"

    @property
    def item(self):
        return self.video if self.video_id else self.page.specific

    @property
    def item_title(self):
        return self.video.title if self.video_id else self.page.title

    @property
    def channel(self):
        return self.account.channel

    @property
    def is_final(self):
        return self.status in self.FINAL


class DistributionDay(models.Model):
    """A post's counts as the channel showed them on a day (the last reading of that day). The channel
    gives running totals: what a day, week or month added is the difference between two readings."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"))
    plays = models.PositiveIntegerField(_("播放"), null=True, blank=True)
    likes = models.PositiveIntegerField(_("点赞"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("评论"), null=True, blank=True)
    shares = models.PositiveIntegerField(_("分享"), null=True, blank=True)

    class Meta:
        verbose_name = _("作品每日数据")
        verbose_name_plural = _("作品每日数据")
        constraints = [models.UniqueConstraint(fields=["distribution", "day"], name="one_reading_per_post_and_day")]

    def __str__(self):
        return f"{self.distribution_id} {self.day}"
